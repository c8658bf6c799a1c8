import { Permission } from '@baton/authz';
import { lazy, type ComponentType, type LazyExoticComponent } from 'react';

export interface AppRoute {
  path: string;
  label: string;
  section: 'work' | 'admin' | 'me';
  /** All of these are needed to see the menu entry and open the screen. */
  permissions: string[];
  component: LazyExoticComponent<ComponentType>;
}

// Each screen is its own chunk: an agent never downloads the admin console.
export const ROUTES: AppRoute[] = [
  {
    path: '/inbox',
    label: 'Inbox',
    section: 'work',
    permissions: [Permission.ConversationRead, Permission.PresenceUpdate],
    component: lazy(() => import('../features/inbox/InboxPage')),
  },
  {
    path: '/supervisor',
    label: 'Supervisor wall',
    section: 'work',
    permissions: [Permission.AgentRead],
    component: lazy(() => import('../features/supervisor/SupervisorPage')),
  },
  {
    path: '/admin/users',
    label: 'Users',
    section: 'admin',
    permissions: [Permission.UserRead],
    component: lazy(() => import('../features/admin/users/UsersPage')),
  },
  {
    path: '/admin/roles',
    label: 'Roles',
    section: 'admin',
    permissions: [Permission.RoleRead],
    component: lazy(() => import('../features/admin/roles/RolesPage')),
  },
  {
    path: '/admin/queues',
    label: 'Queues',
    section: 'admin',
    permissions: [Permission.QueueManage],
    component: lazy(() => import('../features/admin/queues/QueuesPage')),
  },
  {
    path: '/admin/channels',
    label: 'Channels',
    section: 'admin',
    permissions: [Permission.ChannelManage],
    component: lazy(() => import('../features/admin/channels/ChannelsPage')),
  },
  {
    path: '/admin/bots',
    label: 'Bots',
    section: 'admin',
    permissions: [Permission.BotManage],
    component: lazy(() => import('../features/admin/bots/BotsPage')),
  },
  {
    path: '/admin/knowledge',
    label: 'Knowledge base',
    section: 'admin',
    permissions: [Permission.KnowledgeManage],
    component: lazy(() => import('../features/admin/knowledge/KnowledgePage')),
  },
  {
    path: '/admin/canned-responses',
    label: 'Canned responses',
    section: 'admin',
    permissions: [Permission.CannedResponseManage],
    component: lazy(() => import('../features/admin/CannedResponsesPage')),
  },
  {
    path: '/admin/api-keys',
    label: 'API keys',
    section: 'admin',
    permissions: [Permission.ApiKeyManage],
    component: lazy(() => import('../features/admin/api-keys/ApiKeysPage')),
  },
  {
    path: '/admin/security',
    label: 'Security settings',
    section: 'admin',
    permissions: [Permission.SettingsRead],
    component: lazy(() => import('../features/admin/SecurityPage')),
  },
  {
    path: '/admin/access-review',
    label: 'Access review',
    section: 'admin',
    permissions: [Permission.AccessReviewRead],
    component: lazy(() => import('../features/admin/AccessReviewPage')),
  },
  {
    path: '/admin/audit',
    label: 'Audit log',
    section: 'admin',
    permissions: [Permission.AuditRead],
    component: lazy(() => import('../features/admin/AuditPage')),
  },
  {
    path: '/account',
    label: 'My account',
    section: 'me',
    permissions: [],
    component: lazy(() => import('../features/account/AccountPage')),
  },
];

export function allowed(route: AppRoute, permissions: readonly string[]): boolean {
  return route.permissions.every((p) => permissions.includes(p));
}

/** The route a path belongs to (exact, or a sub-path such as `/inbox/<id>`). */
export function routeOf(path: string): AppRoute | undefined {
  return ROUTES.find((r) => path === r.path || path.startsWith(`${r.path}/`));
}
