/**
 * Parley's TypeScript client: the typed JSON-RPC client generated from spec/openrpc.json
 * (ParleyClient, its types and error classes), the resilient ChatSession and the AsyncChatRoom
 * text facade of the seed transcript.
 */
export * from "./generated/api.js";
export { ConnectionLostError, DEFAULT_SERVER, ParleyClient, type ParleyClientOptions } from "./client.js";
export {
  AsyncChatRoom,
  ChatSession,
  DEFAULT_RETRY_MS,
  DEFAULT_ROOM,
  lines,
  receiptsNotice,
  timelineNotice,
  type ChatListener,
  type ChatOptions,
} from "./chat.js";
