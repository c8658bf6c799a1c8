/** socket.io rooms. Joining one is a permission decision made by the server, never by the client. */
export const Room = {
  user: (id: string) => `user:${id}`,
  session: (id: string) => `session:${id}`,
  queue: (id: string) => `queue:${id}`,
  conversation: (id: string) => `conversation:${id}`,
  /** On `/customer`: every socket of one contact (a customer may have several tabs). */
  contact: (id: string) => `contact:${id}`,
  supervisors: 'supervisors',
  /** Supervisors of one queue (and admins): they receive that queue's live numbers. */
  supervise: (queueId: string) => `supervise:${queueId}`,
} as const;
