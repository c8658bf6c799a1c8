import type { ReactNode } from 'react';

/** The frame of every sign-in step: the brand, the step's title, and its form. */
export function AuthCard({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main className="auth">
      <div className="auth__card">
        <div className="brand brand--large">Baton</div>
        <h1>{title}</h1>
        {children}
      </div>
    </main>
  );
}
