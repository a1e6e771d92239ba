/**
 * The import worker: reads, checks and saves a History export off the page's thread (see
 * ./history-import-job.ts), so a file of 100,000 entries never freezes the page. One import per
 * worker; the page ends the worker when it is done or cancelled.
 */
import { HISTORY_CHANNEL, openHistoryDb } from '@/utils/history-db'
import { runImportJob, type ImportMessage, type ImportReply } from './history-import-job'

/** The parts of the worker's global scope used here (the project's types are the page's). */
const scope = self as unknown as {
  onmessage: ((event: MessageEvent<ImportReply>) => void) | null
  postMessage(message: ImportMessage): void
}

/** Lets the checked file be saved (set while the job waits for the page's go-ahead). */
let save: (() => void) | null = null

scope.onmessage = (event) => {
  const message = event.data
  if (message.type === 'save') save?.()
  else if (message.type === 'import') {
    void runImportJob(message, {
      openDb: (name) => openHistoryDb(name === undefined ? {} : { name }),
      post: (out) => scope.postMessage(out),
      announce: (out) => {
        // A channel of its own per message: posted before closing, it is still delivered.
        const channel = new BroadcastChannel(message.channel ?? HISTORY_CHANNEL)
        try {
          channel.postMessage(out)
        } finally {
          channel.close()
        }
      },
      proceed: () => new Promise<void>((resolve) => (save = resolve)),
    })
  }
}
