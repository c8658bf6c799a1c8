/** socket.io rooms. Joining one is a permission decision made by the server, never by the client. */
export const Room = {
  user: (id: string) => `user:${id}`,
  session: (id: string) => `session:${id}`,
  queue: (id: string) => `queue:${id}`,
  conversation: (id: string) => `conversation:${id}`,
  supervisors: 'supervisors',
} as const;
