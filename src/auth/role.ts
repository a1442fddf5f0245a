export const ROLES = ['admin', 'campaign_manager', 'agent', 'ops', 'integration'] as const;
export type Role = (typeof ROLES)[number];

/** Who is making the request, as the guard established it. */
export interface Principal {
  userId: string;
  username: string;
  role: Role;
}
