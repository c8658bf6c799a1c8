/** Fixed in code (libs/security/src/password.policy.ts); shown so admins can answer users' questions. */
export function PasswordPolicy() {
  return (
    <section className="panel stack" aria-labelledby="people-password-policy">
      <h2 id="people-password-policy">Password policy</h2>
      <p className="muted">Fixed by Baton for every account; it cannot be changed here.</p>
      <ul className="people-policy">
        <li>At least 12 characters (at most 256). Long passphrases are welcome; no composition rules.</li>
        <li>
          Not one of the ~49,000 passwords seen most often in breaches (the list ships with Baton; nothing is
          sent elsewhere). Trailing digits and symbols do not help: &ldquo;Summer2024!&rdquo; is refused like
          &ldquo;summer&rdquo;.
        </li>
        <li>Must not contain the user&rsquo;s email address or the part before the @.</li>
        <li>Invited users get a one-time password and must choose their own at first sign-in.</li>
      </ul>
    </section>
  );
}
