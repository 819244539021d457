/* eslint-disable no-control-regex -- matching control characters is this file's purpose */
/**
 * Makes untrusted text (model output, tool output, file content, MCP descriptions, titles) safe to show
 * in a terminal: no ESC, no C1 control, no bare CR, no bidi override survives (docs/faults.md row 20).
 */

// ESC-introduced sequences: CSI (ESC [ ... final), OSC/DCS/SOS/PM/APC (ESC ] P X ^ _ ... BEL or ST),
// and two-byte escapes (ESC + one char). Unterminated string sequences run to the end of the text.
const ESCAPE_SEQUENCE =
  /\u001b(?:\[[0-?]*[ -/]*[@-~]?|[\]PX^_][^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)?|[ -~]?)/g;
// C1 string introducers (0x90 DCS, 0x98 SOS, 0x9d OSC, 0x9e PM, 0x9f APC) and C1 CSI (0x9b).
const C1_SEQUENCE =
  /[\u0090\u0098\u009d\u009e\u009f][^\u0007\u009c\u001b]*(?:\u0007|\u009c)?|\u009b[0-?]*[ -/]*[@-~]?/g;
// Remaining C0 controls except TAB and LF, DEL, and the C1 range.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
// Bidirectional embeddings, overrides and isolates (Trojan Source), plus line/paragraph separators.
const BIDI = /[\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;

/** Keeps newlines and tabs; removes every escape sequence and control character. */
export function sanitizeText(text: string): string {
  return text
    .replace(/\r\n/g, '\n')
    .replace(ESCAPE_SEQUENCE, '')
    .replace(C1_SEQUENCE, '')
    .replace(CONTROL, '')
    .replace(BIDI, '');
}

/** One line: newlines and tabs become spaces too (titles, previews, list rows). */
export function sanitizeLine(text: string): string {
  return sanitizeText(text).replace(/[\n\t]+/g, ' ');
}

/** True when the text holds nothing a terminal would interpret. */
export function isTerminalSafe(text: string): boolean {
  return !/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(text);
}
