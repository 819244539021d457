/**
 * Sits between the terminal and neo-blessed: turns the Shift-Enter sequences of terminals that send one
 * (CSI-u and xterm modifyOtherKeys) into Ctrl-J, which blessed understands; blessed would type them as text.
 */
import { PassThrough } from 'node:stream';

// eslint-disable-next-line no-control-regex -- matching terminal key sequences is the point
const SHIFT_ENTER = /\u001b\[13;2u|\u001b\[27;2;13~/g;

interface TtyLike extends NodeJS.ReadableStream {
  isTTY?: boolean;
  isRaw?: boolean;
  setRawMode?: (mode: boolean) => unknown;
}

export interface FilteredInput {
  stream: NodeJS.ReadableStream;
  dispose(): void;
}

export function translateKeys(chunk: string): string {
  return chunk.replace(SHIFT_ENTER, '\n');
}

export function filterInput(source: TtyLike): FilteredInput {
  const stream = new PassThrough() as PassThrough & TtyLike;
  stream.isTTY = source.isTTY === true;
  if (typeof source.setRawMode === 'function') {
    const setRawMode = source.setRawMode.bind(source);
    stream.setRawMode = (mode: boolean) => {
      setRawMode(mode);
      stream.isRaw = mode;
      return stream;
    };
  }
  const onData = (chunk: Buffer | string): void => {
    stream.write(translateKeys(typeof chunk === 'string' ? chunk : chunk.toString('utf8')));
  };
  source.on('data', onData);
  source.resume();
  return {
    stream,
    dispose: () => {
      source.removeListener('data', onData);
      if (typeof source.setRawMode === 'function' && source.isRaw === true) source.setRawMode(false);
      source.pause();
      stream.end();
    },
  };
}
