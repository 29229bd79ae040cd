#!/usr/bin/env python3
"""Does a screenshot of a tlsdiag --html page show a drawn ladder?
(tests/html.sh; python3's zlib only, no imaging library.)

The ladder area is found by its look, not by a position: the two lifelines
are the longest vertical runs of dark pixels; between them, arrows are
drawn on many rows, and the decisive step is red. Prints what it found;
exit status 1 when the area is blank.

usage: png_ladder.py SCREENSHOT.png"""
import struct, sys, zlib


def read_png(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        sys.exit("not a PNG")
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or ctype not in (2, 6) or interlace:
                sys.exit("want 8-bit RGB(A), not interlaced (depth %d, colour type %d)" % (depth, ctype))
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw, stride, rows, prev = zlib.decompress(idat), w * bpp, [], bytearray(w * bpp)
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return w, h, bpp, rows


def main():
    w, h, bpp, rows = read_png(sys.argv[1])
    px = lambda x, y: rows[y][x * bpp:x * bpp + 3]
    # The longest run of dark pixels in each column.
    best = []
    for x in range(w):
        run = top = longest = 0
        for y in range(h):
            r, g, b = px(x, y)
            if r < 110 and g < 110 and b < 110:
                run += 1
                if run > longest:
                    longest, top = run, y - run + 1
            else:
                run = 0
        best.append((longest, x, top))
    lines = sorted(best, reverse=True)
    first = lines[0]
    # The other lifeline: the longest run at least 100 px away from the first.
    second = next((l for l in lines if abs(l[1] - first[1]) >= 100), (0, first[1], first[2]))
    left, right = min(first[1], second[1]), max(first[1], second[1])
    tall = min(first[0], second[0])
    y0 = max(first[2], second[2])
    y1 = y0 + tall
    drawn_rows = sum(1 for y in range(y0, y1)
                     if sum(1 for x in range(left + 3, right - 2) if sum(px(x, y)) < 600) > (right - left) // 3)
    red = sum(1 for y in range(y0, y1) for x in range(left, right + 1)
              if px(x, y)[0] > 170 and px(x, y)[1] < 80 and px(x, y)[2] < 80)
    print("# lifelines at x=%d and x=%d, %d px tall from y=%d; %d rows with an arrow; %d red pixels"
          % (left, right, tall, y0, drawn_rows, red))
    ok = tall >= 150 and right - left >= 300 and drawn_rows >= 5 and red >= 200
    sys.exit(0 if ok else 1)


main()
