/** The users screen; an open user's address is this plus its id. */
export const USERS_PATH = '/admin/users';
