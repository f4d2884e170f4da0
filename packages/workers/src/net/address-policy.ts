import { lookup as dnsLookup, type LookupAddress } from 'node:dns'
import type { LookupFunction } from 'node:net'
import ipaddr from 'ipaddr.js'
import { RefusedAddressError } from '../errors.js'

/**
 * Why an address is refused as a file source, or undefined when it is a public unicast address.
 * Loopback, private (RFC 1918, unique-local), link-local (169.254.0.0/16 holds the cloud
 * metadata endpoints), carrier-grade NAT, multicast and reserved ranges are all refused, also
 * when written as IPv4-mapped (`::ffff:127.0.0.1`) or IPv4-compatible (`::7f00:1`) IPv6. Other
 * IPv6 addresses must be global unicast (2000::/3).
 */
export function refusedRange(address: string): string | undefined {
  if (!ipaddr.isValid(address)) return 'not an IP address'
  const parsed = embeddedIPv4(ipaddr.parse(address))
  const range = parsed.range()
  if (parsed.toString() === '169.254.169.254') return 'the cloud metadata address'
  if (range !== 'unicast') return `a ${range} address`
  if (parsed.kind() === 'ipv6' && !parsed.match(GLOBAL_UNICAST)) return 'an IPv6 address outside global unicast (2000::/3)'
  return undefined
}

const GLOBAL_UNICAST = ipaddr.parseCIDR('2000::/3')

/** The IPv4 address an IPv6 one carries in its last 32 bits when the first 96 say so (mapped or compatible). */
function embeddedIPv4(address: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | ipaddr.IPv6 {
  if (address.kind() === 'ipv4') return address
  const v6 = address as ipaddr.IPv6
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address()
  const bytes = v6.toByteArray()
  if (bytes.slice(0, 12).every((byte) => byte === 0)) return ipaddr.fromByteArray(bytes.slice(12))
  return v6
}

/**
 * A `lookup` for http.request that resolves the name and refuses it when any address is private.
 * It runs when the socket connects, so the address checked is the address used: a DNS answer that
 * changes between a check and the connection (DNS rebinding) cannot slip through.
 */
export function guardedLookup(policy: (address: string) => string | undefined): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0)
      const list = addresses
      for (const entry of list) {
        const reason = policy(entry.address)
        if (reason) return callback(new RefusedAddressError(hostname, entry.address, reason), '', 0)
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list)
      const first = list[0]
      if (!first) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '', 0)
      callback(null, first.address, first.family)
    })
  }
}
