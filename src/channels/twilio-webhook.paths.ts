/** Where Twilio reaches Herald. The webhook controllers mount these; the channels put them in callbacks. */
export const TWILIO_WEBHOOK_PATHS = {
  messageStatus: '/webhooks/twilio/messages/status',
  callStatus: '/webhooks/twilio/calls/status',
  inboundSms: '/webhooks/twilio/messages/inbound',
  ivrGather: '/webhooks/twilio/calls/gather',
} as const;

/** The path and query of one attempt's status callback: the attempt id comes back in the query. */
export function statusCallbackPath(path: string, attemptId: string): string {
  return `${path}?attempt=${encodeURIComponent(attemptId)}`;
}

export function statusCallbackUrl(publicBaseUrl: string, path: string, attemptId: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}${statusCallbackPath(path, attemptId)}`;
}
