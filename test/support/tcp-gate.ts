/**
 * A TCP proxy on loopback between a client process and a server (Redis, PostgreSQL) that the
 * test can shut at a chosen byte: after N more bytes of requests, or when a reply the test names
 * arrives. Held bytes stay in the gate (and the sockets are paused, so the rest waits in the
 * kernel); nothing is forwarded until the gate is closed, which drops them and disconnects both
 * sides. That lets a test stop a write at an exact point and kill the writer there, without
 * timing luck.
 */
import { createServer, connect, type Server, type Socket } from 'node:net'

export interface TcpGate {
  /** Loopback port clients connect to instead of the server's. */
  readonly port: number
  /**
   * From now on, forwards `bytes` more request bytes (client to server, over all connections)
   * and holds everything after them. Resolves once those bytes have passed.
   */
  holdRequestsAfter(bytes: number): Promise<void>
  /**
   * From now on, holds replies (server to client) from the first chunk holding `pattern` on:
   * the server has sent it, the client never sees it. Resolves when it arrives.
   */
  holdRepliesAt(pattern: Buffer): Promise<void>
  /** The gate's own ports towards the server: how the server lists these clients. */
  upstreamPorts(): number[]
  /** Drops held bytes, disconnects every client and server connection, stops listening. */
  close(): Promise<void>
}

interface Pair {
  client: Socket
  server: Socket
  /** Last bytes of the reply stream, so a pattern split across chunks is still found. */
  replyTail: Buffer
}

export async function openTcpGate(target: { host: string; port: number }): Promise<TcpGate> {
  const pairs = new Set<Pair>()
  let requestBudget: { left: number; passed: () => void } | undefined
  let replyWatch: { pattern: Buffer; arrived: () => void } | undefined
  let requestsHeld = false
  let repliesHeld = false

  const server: Server = createServer((client) => {
    const upstream = connect(target)
    const pair: Pair = { client, server: upstream, replyTail: Buffer.alloc(0) }
    pairs.add(pair)
    const drop = () => {
      pairs.delete(pair)
      client.destroy()
      upstream.destroy()
    }
    client.on('error', drop).on('close', drop)
    upstream.on('error', drop).on('close', drop)

    client.on('data', (chunk: Buffer) => {
      if (requestsHeld) return hold(client)
      if (requestBudget && chunk.length >= requestBudget.left) {
        const budget = requestBudget
        requestBudget = undefined
        requestsHeld = true
        upstream.write(chunk.subarray(0, budget.left))
        hold(client)
        budget.passed()
        return
      }
      if (requestBudget) requestBudget.left -= chunk.length
      upstream.write(chunk)
    })

    upstream.on('data', (chunk: Buffer) => {
      if (repliesHeld) return hold(upstream)
      if (replyWatch) {
        const seen = Buffer.concat([pair.replyTail, chunk])
        if (seen.includes(replyWatch.pattern)) {
          const watch = replyWatch
          replyWatch = undefined
          repliesHeld = true
          hold(upstream)
          watch.arrived()
          return
        }
        pair.replyTail = seen.subarray(Math.max(0, seen.length - replyWatch.pattern.length + 1))
      }
      client.write(chunk)
    })
  })

  /** Stops reading from a socket: whatever it sends next stays in the kernel's buffers. */
  function hold(socket: Socket): void {
    socket.pause()
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const address = server.address()
  if (!address || typeof address === 'string') throw new Error('the TCP gate has no port')

  return {
    port: address.port,
    holdRequestsAfter(bytes) {
      if (requestBudget || requestsHeld) throw new Error('the TCP gate already holds (or will hold) requests')
      return new Promise((passed) => {
        requestBudget = { left: bytes, passed }
      })
    },
    holdRepliesAt(pattern) {
      if (replyWatch || repliesHeld) throw new Error('the TCP gate already holds (or watches) replies')
      for (const pair of pairs) pair.replyTail = Buffer.alloc(0)
      return new Promise((arrived) => {
        replyWatch = { pattern, arrived }
      })
    },
    upstreamPorts: () => [...pairs].map((pair) => pair.server.localPort).filter((port): port is number => port !== undefined),
    async close() {
      for (const pair of pairs) {
        pair.client.destroy()
        pair.server.destroy()
      }
      pairs.clear()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
