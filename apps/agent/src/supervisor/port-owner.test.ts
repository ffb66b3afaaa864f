import { describe, expect, it } from 'vitest';
import { listeningInodes } from './port-owner.js';

const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1FFA 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 111 1 0 100 0 0 10 0
   1: 00000000:1FFA 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 222 1 0 100 0 0 10 0
   2: 0100007F:1FFA 0100007F:D431 01 00000000:00000000 00:00000000 00000000  1000        0 333 1 0 20 4 30 10 -1
   3: 0100007F:1FFB 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 444 1 0 100 0 0 10 0
`;
const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:1FFA 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 555 1 0 100 0 0 10 0
`;

describe('listeningInodes', () => {
  it('lists the listening sockets on the port, IPv4 and IPv6, any address, and nothing else', () => {
    // 0x1FFA = 8186: two IPv4 listeners (loopback and any) and one IPv6; an established connection and
    // another port's listener are left out.
    expect(listeningInodes([TCP, TCP6], 8186)).toEqual(['111', '222', '555']);
    expect(listeningInodes([TCP], 8187)).toEqual(['444']);
    expect(listeningInodes([TCP, TCP6], 9000)).toEqual([]);
  });
});
