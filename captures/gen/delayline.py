#!/usr/bin/env python3
"""A slow link for capture scripts where the kernel has no netem: two TAP
devices, and every Ethernet frame read from one is written to the other after a
fixed delay (per direction). The devices are made in the calling namespace;
the script that runs this moves them into network namespaces (a TAP file
descriptor keeps working after its device moves).

  delayline.py DEV_A DEV_B DELAY_A_TO_B DELAY_B_TO_A SECONDS

Prints "ready" once both devices exist; stops by itself after SECONDS."""
import fcntl, heapq, os, select, struct, sys, time

TUNSETIFF = 0x400454ca
IFF_TAP, IFF_NO_PI = 0x0002, 0x1000


def open_tun(name):
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TAP | IFF_NO_PI))
    return fd


def main():
    a_name, b_name = sys.argv[1], sys.argv[2]
    delay = {0: float(sys.argv[3]), 1: float(sys.argv[4])}
    end = time.monotonic() + float(sys.argv[5])
    fds = [open_tun(a_name), open_tun(b_name)]
    print("ready", flush=True)
    queue = []  # (due, seq, out fd, packet): a delay line keeps each direction's order
    seq = 0
    while time.monotonic() < end:
        now = time.monotonic()
        while queue and queue[0][0] <= now:
            _, _, out, pkt = heapq.heappop(queue)
            try:
                os.write(out, pkt)
            except OSError:
                pass  # the device is down (being moved or removed)
        wait = max(0.0, min(queue[0][0] - now if queue else 0.05, end - now, 0.05))
        ready, _, _ = select.select(fds, [], [], wait)
        for i, fd in enumerate(fds):
            if fd in ready:
                try:
                    pkt = os.read(fd, 65536)
                except OSError:
                    continue
                seq += 1
                heapq.heappush(queue, (time.monotonic() + delay[i], seq, fds[1 - i], pkt))


if __name__ == "__main__":
    main()
