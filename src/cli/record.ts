/// <reference types="node" />
/**
 * `--record <file.json>` of every streaming command (Node only): records what the watched stream
 * received with the testing kit's `recordStream()` and writes it as a script file when the
 * stream ends (or on Ctrl-C), for `scriptedFetch()` to replay in a unit test.
 *
 * @module
 */
import { writeFileSync } from 'node:fs';
import { recordStream, type ObservableStream, type Script } from '../testing/index.js';
import type { Output } from './output.js';

/** A recording in progress: {@link Recorder.write} once the stream is over. */
export interface Recorder {
  /**
   * Stops recording and writes the script as JSON to the file, then says so on stderr (the
   * connection count and how to replay it). A file that cannot be written is reported on stderr;
   * the stream's exit code is kept.
   */
  write(): void;
}

/**
 * Starts recording `stream` for `--record file`: call it before the stream is read, so its first
 * request is recorded. What is recorded, and what is not (no URL, no request header but
 * `Last-Event-ID`, no JSON call such as a submit), is `recordStream()`'s.
 */
export function startRecording(stream: ObservableStream, file: string, output: Output): Recorder {
  const recording = recordStream(stream);
  return { write: () => writeScript(file, recording.stop(), output) };
}

/** Writes `script` to `file` (2-space JSON and a newline) and reports it on stderr. */
function writeScript(file: string, script: Script, output: Output): void {
  try {
    writeFileSync(file, `${JSON.stringify(script, null, 2)}\n`);
    const count = script.connections.length;
    output.diag(output.err.dim(`● recorded ${count} connection${count === 1 ? '' : 's'} to ${file} (replay: scriptedFetch(JSON.parse(readFileSync(file, 'utf8'))))`));
  } catch (error) {
    output.diag(output.err.red(`--record ${file}: ${error instanceof Error ? error.message : String(error)}`));
  }
}
