/** Where a command writes: process streams in production, capturing streams in tests. */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream;
  /** A WriteStream, for isTTY: progress lines go to a terminal only. */
  readonly stderr: NodeJS.WriteStream;
}

export const processIo = (): CliIo => ({ stdout: process.stdout, stderr: process.stderr });
