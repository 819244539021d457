/** neo-blessed ships no types: src/tui/blessed.ts, the only file importing it, types what octo uses. */
declare module 'neo-blessed/lib/*' {
  const value: unknown;
  export default value;
}
