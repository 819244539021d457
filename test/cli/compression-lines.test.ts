import { describe, expect, it } from 'vitest';
import { describeCompacted, describeCompressionFailed } from '../../src/cli/format/diagnostics.js';

describe("-p's stderr lines about compression", () => {
  const failed = {
    sessionId: 's',
    trigger: 'auto' as const,
    reason: 'the summary reply was empty',
    tokens: 73_412,
  };

  it('says when the next automatic try comes, or that it waits for the window', () => {
    expect(describeCompressionFailed({ ...failed, retryAt: 110_118 })).toBe(
      'warning: compression failed at 73k tokens (auto): the summary reply was empty; the context was left as it was; the next automatic try comes at 110k tokens',
    );
    expect(describeCompressionFailed({ ...failed, retryAt: null })).toMatch(
      /; automatic compression waits until the request would not fit the window, then octo summarises without the model$/,
    );
  });

  it('does not claim the context was left as it was when octo compresses at once', () => {
    expect(describeCompressionFailed({ ...failed, tokens: 359_000, retryAt: null, octoNext: true })).toBe(
      'warning: compression failed at 359k tokens (auto): the summary reply was empty; the request would not fit the window, so octo compresses without the model',
    );
  });

  it('names the form and the requests of a compression', () => {
    const base = { sessionId: 's', trigger: 'auto' as const, level: 100_000, cost: null };
    expect(
      describeCompacted({
        ...base,
        tokensBefore: 359_000,
        tokensAfter: 23_000,
        messages: 18_815,
        form: 'prose',
        requests: 6,
      }),
    ).toBe('compressed 18815 messages: 359k → 23k tokens (auto, in 6 requests, the summariser wrote prose)');
    expect(
      describeCompacted({
        ...base,
        tokensBefore: 359_000,
        tokensAfter: 35_000,
        messages: 18_815,
        form: 'octo',
        requests: 0,
      }),
    ).toBe('compressed 18815 messages: 359k → 35k tokens (auto, by octo, without a model)');
  });
});
