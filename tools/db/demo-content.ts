import { DEMO_CHANNEL_NAME, type AuditAction } from '@baton/contracts';
import pg from 'pg';

const ARTICLES = [
  {
    title: 'Reset your password',
    body: 'Go to Account → Security and choose "Reset password". We email you a link that works for one hour. If the email does not arrive, check your spam folder.',
    tags: ['password_reset', 'account'],
  },
  {
    title: 'Shipping times',
    body: 'Orders placed before 2 pm ship the same working day. Delivery takes 2 to 4 working days in the EU and 5 to 8 elsewhere. You get a tracking link by email once the parcel ships.',
    tags: ['shipping', 'orders'],
  },
  {
    title: 'Returns and refunds',
    body: 'You can return any item within 30 days of delivery. Start a return from Orders → Return item; the refund reaches your card 3 to 5 working days after we receive the parcel.',
    tags: ['refunds', 'returns'],
  },
  {
    title: 'Opening hours of customer support',
    body: 'People answer chats Monday to Friday, 9:00 to 18:00 (CET). Outside those hours the assistant answers and a person follows up on the next working day.',
    tags: ['support_hours'],
  },
  {
    title: 'Cambiar o recuperar la contraseña',
    body: 'Ve a Cuenta → Seguridad y elige "Restablecer contraseña". Te enviamos un enlace que vale una hora. Si no llega, revisa la carpeta de spam.',
    tags: ['password_reset', 'cuenta'],
  },
];

/** What agents insert by typing `/hello`, `/thanks`, … in the composer. */
const CANNED_RESPONSES = [
  {
    shortcut: 'hello',
    title: 'Greeting',
    body: "Hi! Thanks for reaching out — I'm here to help. What can I do for you today?",
  },
  {
    shortcut: 'wait',
    title: 'One moment, please',
    body: "Thanks for your patience — I'm looking into this and will be right back with you.",
  },
  {
    shortcut: 'reset',
    title: 'Password reset',
    body: 'You can reset your password from Account → Security → "Reset password". We email you a link that works for one hour; if it does not arrive, please check your spam folder.',
  },
  {
    shortcut: 'thanks',
    title: 'Thanks and goodbye',
    body: 'Thank you for contacting us! If anything else comes up, just write here and we will be glad to help.',
  },
];

type Audit = (
  action: AuditAction,
  target: { type: string; id: string },
  data: Record<string, unknown>,
) => Promise<unknown>;

/**
 * A few canned responses, once: only while there are none and nobody has ever managed them (a list
 * someone emptied on purpose stays empty), so installs from before they existed get them too.
 */
async function seedCannedResponses(db: pg.Client, audit: Audit): Promise<number> {
  const existing = await db.query(
    `SELECT 1 FROM canned_responses
     UNION ALL
     SELECT 1 FROM audit_events
      WHERE action IN ('canned_response.created', 'canned_response.updated', 'canned_response.deleted')
     LIMIT 1`,
  );
  if ((existing.rowCount ?? 0) > 0) return 0;
  for (const canned of CANNED_RESPONSES) {
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO canned_responses (id, shortcut, title, body, updated_at)
       VALUES (gen_random_uuid(), $1, $2, $3, now()) RETURNING id`,
      [canned.shortcut, canned.title, canned.body],
    );
    await audit(
      'canned_response.created',
      { type: 'canned_response', id: rows[0]!.id },
      { shortcut: canned.shortcut, title: canned.title },
    );
  }
  return CANNED_RESPONSES.length;
}

/**
 * Demo content for a fresh install started with `npm start`: a "General" queue (the first admin in
 * it as supervisor), a knowledge-base bot with a few articles, and the web chat channel the demo
 * page at /demo embeds. Runs once: only while no channel exists. Canned responses have their own
 * "once" (see {@link seedCannedResponses}). Every row is audited.
 */
export async function seedDemoContent(
  databaseUrl: string,
  publicOrigins: string[],
  adminEmail: string,
): Promise<{ created: boolean; cannedResponses: number }> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  const audit: Audit = (action, target, data) =>
    db.query(
      `INSERT INTO audit_events (actor_roles, action, target_type, target_id, result, data)
       VALUES ('{}', $1, $2, $3, 'success', $4)`,
      [action, target.type, target.id, JSON.stringify({ ...data, by: 'demo seed' })],
    );
  try {
    await db.query('BEGIN');
    await db.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['baton:seed-demo']);
    const cannedResponses = await seedCannedResponses(db, audit);
    const channels = await db.query('SELECT 1 FROM channels LIMIT 1');
    if ((channels.rowCount ?? 0) > 0) {
      await db.query('COMMIT');
      return { created: false, cannedResponses };
    }
    const queue = await db.query<{ id: string }>(
      `INSERT INTO queues (id, name, description, sla_first_response_seconds, updated_at)
       VALUES (gen_random_uuid(), 'General', 'Everything the assistant hands over.', 300, now())
       ON CONFLICT (name) DO UPDATE SET updated_at = now() RETURNING id`,
    );
    const queueId = queue.rows[0]!.id;
    await audit('queue.created', { type: 'queue', id: queueId }, { name: 'General' });
    const admin = await db.query<{ id: string }>('SELECT id FROM users WHERE email = $1', [
      adminEmail.toLowerCase(),
    ]);
    if (admin.rows[0]) {
      await db.query(
        `INSERT INTO queue_members (queue_id, user_id, skills, is_supervisor) VALUES ($1, $2, '{}', true)
         ON CONFLICT DO NOTHING`,
        [queueId, admin.rows[0].id],
      );
      await audit('queue.members_changed', { type: 'queue', id: queueId }, { added: [admin.rows[0].id] });
    }
    for (const article of ARTICLES) {
      const { rows } = await db.query<{ id: string }>(
        `INSERT INTO knowledge_articles (id, title, body, tags, updated_at)
         VALUES (gen_random_uuid(), $1, $2, $3, now()) RETURNING id`,
        [article.title, article.body, article.tags],
      );
      await audit(
        'knowledge_article.created',
        { type: 'knowledge_article', id: rows[0]!.id },
        { title: article.title },
      );
    }
    const bot = await db.query<{ id: string }>(
      `INSERT INTO bot_configs (id, name, engine, allowed_queue_ids, updated_at)
       VALUES (gen_random_uuid(), 'Demo assistant', 'knowledge_base', $1, now()) RETURNING id`,
      [[queueId]],
    );
    await audit(
      'bot.created',
      { type: 'bot', id: bot.rows[0]!.id },
      { name: 'Demo assistant', engine: 'knowledge_base' },
    );
    const channel = await db.query<{ id: string }>(
      `INSERT INTO channels (id, kind, name, config, bot_config_id, updated_at)
       VALUES (gen_random_uuid(), 'webchat', $1, $2, $3, now()) RETURNING id`,
      [
        DEMO_CHANNEL_NAME,
        JSON.stringify({ allowedOrigins: publicOrigins, defaultQueueId: queueId }),
        bot.rows[0]!.id,
      ],
    );
    await audit(
      'channel.created',
      { type: 'channel', id: channel.rows[0]!.id },
      { kind: 'webchat', name: DEMO_CHANNEL_NAME },
    );
    await db.query('COMMIT');
    return { created: true, cannedResponses };
  } catch (error) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await db.end();
  }
}
