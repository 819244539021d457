/**
 * The frames of octo's protocol (docs/protocol.md), one zod schema each: incoming frames are validated
 * with them, outgoing ones are typed by them, and scripts/protocol-schemas.ts turns them into the JSON
 * Schemas under docs/schemas/. The base set is Octomind's; the rest are octo's additions.
 */
import * as z from 'zod';

export const PROTOCOL_VERSION = 1;
/** The largest frame accepted (docs/protocol.md): a larger one is answered with an error frame. */
export const MAX_FRAME_BYTES = 10_000_000;

const requestId = z.string().min(1).max(256).describe('Echoed in the ack and in errors about this frame.');
/** The core checks the name itself (its message says why a name is refused). */
const sessionId = z.string().min(1).max(256).describe('The session name (or id).');
/** A count of tokens, frames, messages: JSON Schema says integer ≥ 0. */
const count = z.number().int().min(0);
const seq = z
  .number()
  .int()
  .positive()
  .describe("Increases with every frame of the session (per server process; see 'instance').");

export const APPROVAL_DECISIONS = ['once', 'always', 'deny'] as const;
/** Words clients use for the same three answers. */
const DECISION_ALIASES: Record<string, (typeof APPROVAL_DECISIONS)[number]> = {
  once: 'once',
  allow: 'once',
  approve: 'once',
  approved: 'once',
  yes: 'once',
  always: 'always',
  deny: 'deny',
  denied: 'deny',
  reject: 'deny',
  no: 'deny',
};

export const CAPABILITIES = ['delta', 'events'] as const;

// ---- client → server -------------------------------------------------------------------------

export const sessionFrame = z
  .object({
    type: z.literal('session'),
    session_id: sessionId
      .optional()
      .describe('Create or resume this name; a new generated name when absent.'),
    request_id: requestId.optional(),
    caps: z
      .array(z.string().max(64))
      .max(16)
      .optional()
      .describe(
        '"delta": also send assistant_delta/thinking_delta; "events": the workspace events (octo attach).',
      ),
    since_seq: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe('Replay the frames of this session after this seq (a reconnecting client).'),
    instance: z
      .string()
      .max(64)
      .optional()
      .describe('The instance the since_seq came from (hello.instance); another one cannot be replayed.'),
  })
  .describe('Create or resume a session by name and attach to it; never calls the model.');

export const messageFrame = z
  .object({
    type: z.literal('message'),
    session_id: sessionId,
    content: z.string().min(1),
    request_id: requestId.optional(),
  })
  .describe('A user message: starts a turn, or is queued behind the running one.');

export const commandFrame = z
  .object({
    type: z.literal('command'),
    session_id: sessionId,
    command: z
      .string()
      .min(1)
      .max(64)
      .regex(/^\/?[A-Za-z][A-Za-z0-9_-]*$/, 'a command name, without arguments')
      .describe('A slash command without "/" (info, context, summarize, model, ...).'),
    args: z.array(z.string()).max(64).optional(),
    request_id: requestId.optional(),
  })
  .describe("Runs a slash command; its typed result comes back in a status frame's data.");

export const cancelFrame = z
  .object({ type: z.literal('cancel'), session_id: sessionId, request_id: requestId.optional() })
  .describe('Stops the running turn (its partial reply is kept, marked interrupted) and drops the queue.');

export const approvalFrame = z
  .object({
    type: z.literal('approval'),
    session_id: sessionId,
    approval_id: z.string().min(1).max(128),
    decision: z
      .string()
      .transform((value, ctx) => {
        const decision = DECISION_ALIASES[value.toLowerCase()];
        if (decision !== undefined) return decision;
        ctx.addIssue({ code: 'custom', message: 'decision is "once", "always" or "deny"' });
        return z.NEVER;
      })
      .describe(
        '"once" (also "allow", "approve", "yes"), "always" (this tool, for the session) or "deny" ("no").',
      ),
    request_id: requestId.optional(),
  })
  .describe('Answers an approval_request; the first answer wins.');

export const detachFrame = z
  .object({ type: z.literal('detach'), session_id: sessionId, request_id: requestId.optional() })
  .describe(
    "Stops this client's frames of the session; the server lets the session go once nothing needs it.",
  );

export const listFrame = z
  .object({
    type: z.literal('list'),
    all: z.boolean().optional().describe("Every project's sessions, not only the server's project."),
    request_id: requestId.optional(),
  })
  .describe('Asks for the session summaries.');

/** Only on a daemon's unix socket, before anything else (octo send, octo attach). */
export const authFrame = z
  .object({ type: z.literal('auth'), token: z.string().min(1).max(512), request_id: requestId.optional() })
  .describe("The first line on a daemon's socket: the token from the daemon's token file.");

export const CLIENT_FRAMES = {
  session: sessionFrame,
  message: messageFrame,
  command: commandFrame,
  cancel: cancelFrame,
  approval: approvalFrame,
  detach: detachFrame,
  list: listFrame,
} as const;

export type ClientFrameType = keyof typeof CLIENT_FRAMES;
export type SessionFrame = z.infer<typeof sessionFrame>;
export type MessageFrame = z.infer<typeof messageFrame>;
export type CommandFrame = z.infer<typeof commandFrame>;
export type CancelFrame = z.infer<typeof cancelFrame>;
export type ApprovalFrame = z.infer<typeof approvalFrame>;
export type DetachFrame = z.infer<typeof detachFrame>;
export type ListFrame = z.infer<typeof listFrame>;
export type ClientFrame =
  SessionFrame | MessageFrame | CommandFrame | CancelFrame | ApprovalFrame | DetachFrame | ListFrame;

// ---- server → client -------------------------------------------------------------------------

const sessionPart = { session_id: z.string(), seq };

export const helloFrame = z
  .object({
    type: z.literal('hello'),
    protocol: z.literal(PROTOCOL_VERSION),
    server: z.literal('octo'),
    version: z.string(),
    instance: z
      .string()
      .describe('Changes with every server process; seqs of another instance do not replay.'),
    max_frame_bytes: count.describe('A larger frame is refused with an error frame, unread.'),
    caps: z.array(z.enum(CAPABILITIES)),
  })
  .describe('The first frame on every connection.');

export const ackFrame = z
  .object({
    type: z.literal('ack'),
    request_id: z.string().optional(),
    message_type: z.string(),
    session_id: z.string().optional(),
    status: z.literal('received'),
    seq: seq.optional(),
  })
  .describe('Sent at once for every valid frame.');

export const statusFrame = z
  .object({
    type: z.literal('status'),
    message: z.string(),
    session_id: z.string().optional(),
    data: z.unknown().optional(),
    request_id: z.string().optional(),
    seq: seq.optional(),
  })
  .describe(
    "A session created or resumed, a command's typed result (data), a message queued, a job or compression.",
  );

export const userFrame = z
  .object({ type: z.literal('user'), ...sessionPart, content: z.string() })
  .describe('A user message as the session recorded it (from any client, octo send or a schedule).');

export const assistantFrame = z
  .object({
    type: z.literal('assistant'),
    ...sessionPart,
    content: z.string(),
    interrupted: z.boolean().optional(),
  })
  .describe('The text of one model step, once the step is over.');

export const thinkingFrame = z
  .object({ type: z.literal('thinking'), ...sessionPart, content: z.string() })
  .describe('The reasoning of one model step, when the provider sends it.');

export const assistantDeltaFrame = z
  .object({ type: z.literal('assistant_delta'), ...sessionPart, delta: z.string() })
  .describe('A streamed piece of the reply (clients with the "delta" capability).');

export const thinkingDeltaFrame = z
  .object({ type: z.literal('thinking_delta'), ...sessionPart, delta: z.string() })
  .describe('A streamed piece of reasoning (clients with the "delta" capability).');

export const toolUseFrame = z
  .object({
    type: z.literal('tool_use'),
    ...sessionPart,
    tool: z.string(),
    tool_id: z.string(),
    params: z.unknown().describe('The arguments, parsed; the raw text when the model sent invalid JSON.'),
  })
  .describe('A tool call, before it runs (and before any approval_request for it).');

export const toolResultFrame = z
  .object({
    type: z.literal('tool_result'),
    ...sessionPart,
    tool: z.string(),
    tool_id: z.string(),
    content: z.string().describe('As stored: redacted and capped.'),
    success: z.boolean(),
  })
  .describe("A tool call's result.");

export const costFrame = z
  .object({
    type: z.literal('cost'),
    ...sessionPart,
    session_tokens: count,
    session_cost: z.number().nullable().describe('USD; null when a price is unknown.'),
    input_tokens: count,
    output_tokens: count,
    cache_read_tokens: count,
    cache_write_tokens: count,
    reasoning_tokens: count,
    turn_status: z.enum(['finished', 'interrupted', 'failed']),
    turn_cost: z.number().nullable().describe("This turn's cost in USD; null when a price is unknown."),
    requests: count.describe('Model calls the turn made (a reply cut short counts).'),
    usage_complete: z
      .boolean()
      .describe(
        'False when a model call reported no usage: the token counts are then a lower bound, not the truth.',
      ),
    finish_reason: z
      .string()
      .nullable()
      .describe('Why the last model call stopped (stop, length, content_filter, ...); null when unknown.'),
  })
  .describe("Ends every turn: this turn's tokens and the session's totals.");

export const errorFrame = z
  .object({
    type: z.literal('error'),
    message: z.string(),
    request_id: z.string().optional(),
    session_id: z.string().optional(),
    code: z
      .string()
      .optional()
      .describe(
        'For programs: invalid_json, invalid_frame, unknown_type, frame_too_large, invalid_utf8, binary_frame, ' +
          'unauthorized, session_not_found, session_locked, name_invalid, approval_unknown, approval_foreign, ' +
          "command_failed, a failed turn's provider_* or budget_exceeded code, internal.",
      ),
    seq: seq.optional(),
  })
  .describe('A refused frame (the connection stays up) or a failed turn.');

export const approvalRequestFrame = z
  .object({
    type: z.literal('approval_request'),
    session_id: z.string().optional(),
    seq: seq.optional(),
    approval_id: z.string(),
    kind: z
      .enum(['tool', 'project'])
      .describe("A tool call, or what a project's config asks for (workspace-wide)."),
    tool: z.string(),
    summary: z.string(),
    detail: z.string(),
    timeout_ms: count.describe('Without an answer by then the request is denied.'),
  })
  .describe('A tool call (or a project setting) waits for an approval frame.');

export const approvalSettledFrame = z
  .object({
    type: z.literal('approval_settled'),
    session_id: z.string().optional(),
    seq: seq.optional(),
    approval_id: z.string(),
    decision: z.enum(['once', 'always', 'deny', 'cancelled']),
    reason: z.enum(['answered', 'timeout', 'cancelled']),
  })
  .describe('An approval_request was answered (by any client), timed out or withdrawn.');

export const listResultFrame = z
  .object({
    type: z.literal('list'),
    request_id: z.string().optional(),
    sessions: z.array(z.record(z.string(), z.unknown())).describe('Session summaries, most recent first.'),
  })
  .describe('The answer to list.');

export const eventFrame = z
  .object({
    type: z.literal('event'),
    ...sessionPart,
    name: z.string(),
    payload: z.unknown(),
  })
  .describe('A workspace event of the session, as is (clients with the "events" capability: octo attach).');

export const SERVER_FRAMES = {
  hello: helloFrame,
  ack: ackFrame,
  status: statusFrame,
  user: userFrame,
  assistant: assistantFrame,
  thinking: thinkingFrame,
  assistant_delta: assistantDeltaFrame,
  thinking_delta: thinkingDeltaFrame,
  tool_use: toolUseFrame,
  tool_result: toolResultFrame,
  cost: costFrame,
  error: errorFrame,
  approval_request: approvalRequestFrame,
  approval_settled: approvalSettledFrame,
  list: listResultFrame,
  event: eventFrame,
} as const;

export type ServerFrame = {
  [K in keyof typeof SERVER_FRAMES]: z.infer<(typeof SERVER_FRAMES)[K]>;
}[keyof typeof SERVER_FRAMES];
/** A session frame before the session gives it its seq. */
export type SessionFrameOut =
  Extract<ServerFrame, { seq: number }> extends infer F
    ? F extends { seq: number }
      ? Omit<F, 'seq'>
      : never
    : never;

// ---- parsing ---------------------------------------------------------------------------------

export type Parsed =
  { ok: true; frame: ClientFrame } | { ok: false; message: string; code: string; requestId?: string };

/** Validates one incoming text frame; a refusal says why in words a client author can act on. */
export function parseClientFrame(text: string): Parsed {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, code: 'invalid_json', message: `Invalid JSON: ${reason}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, code: 'invalid_frame', message: 'A frame is one JSON object with a "type".' };
  }
  const record = value as Record<string, unknown>;
  const requestId =
    typeof record.request_id === 'string' && record.request_id.length <= 256 ? record.request_id : undefined;
  const refuse = (message: string, code = 'invalid_frame'): Parsed => ({
    ok: false,
    message,
    code,
    ...(requestId ? { requestId } : {}),
  });
  const type = record.type;
  if (typeof type !== 'string') return refuse('A frame needs a "type" (a string).');
  const schema = (CLIENT_FRAMES as Record<string, z.ZodType<ClientFrame>>)[type];
  if (schema === undefined) {
    return refuse(
      `Unknown frame type ${JSON.stringify(type.slice(0, 64))}; expected one of ${Object.keys(CLIENT_FRAMES).join(', ')}.`,
      'unknown_type',
    );
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) return refuse(`Invalid ${type} frame: ${describeIssues(parsed.error)}.`);
  return { ok: true, frame: parsed.data };
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}
