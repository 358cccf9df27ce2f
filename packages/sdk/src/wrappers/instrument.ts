/**
 * A provider method that reports each call to Pulse: the request's `pulse` key (per-call
 * overrides) is stripped, a plain answer is observed on the side (the provider's own promise is
 * returned, with its extras such as `withResponse()`), and a stream is handed back as a view
 * whose iteration reads each event as the caller consumes it.
 */
import type { Pulse } from '../client.js';
import { CallRecord } from './call-record.js';
import type { CallAttribution, CallOverrides, ProviderApi, StreamReader } from './types.js';

type Method = (...args: unknown[]) => unknown;

export function instrument<Params extends object, Result, Event>(
  pulse: Pulse,
  options: CallAttribution,
  api: ProviderApi<Params, Result, Event>,
): (original: Method, self: object) => Method {
  return (original, self) =>
    (body: unknown, ...rest: unknown[]) => {
      if (body === null || typeof body !== 'object') return original.call(self, body, ...rest);
      const { pulse: overrides, ...params } = body as Params & { pulse?: CallOverrides };
      const streaming = (params as { stream?: unknown }).stream === true;
      const prepared = streaming ? api.prepare(params as Params) : { params: params as Params, reader: undefined };
      const call = new CallRecord({
        pulse,
        options,
        overrides,
        provider: api.provider,
        api: api.api,
        model: (params as { model?: string }).model,
        prompt: () => api.prompt(params as Params),
      });
      let answer: unknown;
      try {
        answer = original.call(self, prepared.params, ...rest);
      } catch (error) {
        call.fail(error);
        throw error;
      }
      if (!prepared.reader) {
        Promise.resolve(answer).then(
          (result) => call.succeed(api.result(result as Result)),
          (error: unknown) => call.fail(error),
        );
        return answer;
      }
      const reader = prepared.reader;
      return Promise.resolve(answer).then(
        (stream) => observeStream(stream as AsyncIterable<Event> & object, reader(), call),
        (error: unknown) => {
          call.fail(error);
          throw error;
        },
      );
    };
}

/** The stream itself, except that iterating it reads every event into the call's trace. */
function observeStream<Event>(
  stream: AsyncIterable<Event> & object,
  reader: StreamReader<Event>,
  call: CallRecord,
): AsyncIterable<Event> {
  const iterate = (): AsyncIterator<Event> => {
    const events = stream[Symbol.asyncIterator]();
    const finish = () => call.succeed(reader.result());
    return {
      async next() {
        try {
          for (;;) {
            const step = await events.next();
            if (step.done) {
              finish();
              return step;
            }
            if (reader.read(step.value)) call.firstToken();
            if (reader.show(step.value)) return step;
          }
        } catch (error) {
          call.fail(error);
          throw error;
        }
      },
      // The caller stopped early (a `break`): what was read so far is the trace.
      async return(value?: unknown) {
        finish();
        return events.return ? events.return(value) : { done: true, value: value as Event };
      },
    };
  };
  return new Proxy(stream, {
    get(target, prop) {
      if (prop === Symbol.asyncIterator) return iterate;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as Method).bind(target) : value;
    },
  });
}
