"""A small PNG decoder (zlib + the five PNG filters) for the chart tests: an
independent reader of what the charts write. Supports 8-bit RGB/RGBA and 8-bit
palette (expanded to RGB), no interlace (what ext/chart_png.c writes and what
chromium's screenshots are). text_chunks() returns the tEXt/iTXt chunks."""
import struct
import zlib


class Image:
    def __init__(self, w, h, bpp, rows):
        self.w, self.h, self.bpp, self.rows = w, h, bpp, rows

    def px(self, x, y):
        o = x * self.bpp
        r = self.rows[y]
        return r[o], r[o + 1], r[o + 2]


def size(data):
    """(width, height) from the IHDR chunk."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise ValueError("not a PNG")
    return struct.unpack(">II", data[16:24])


def decode(data):
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, w, h, bpp, plte, ctype = 8, [], 0, 0, 0, None, 0
    while pos < len(data):
        n, = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        chunk = data[pos + 8:pos + 8 + n]
        pos += 12 + n
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", chunk)
            if depth != 8 or ctype not in (2, 3, 6) or interlace:
                raise ValueError(f"unsupported PNG: depth {depth} type {ctype} interlace {interlace}")
            bpp = 3 if ctype == 2 else 4 if ctype == 6 else 1
        elif kind == b"PLTE":
            plte = [chunk[i:i + 3] for i in range(0, len(chunk), 3)]
        elif kind == b"IDAT":
            idat.append(chunk)
        elif kind == b"IEND":
            break
    raw = zlib.decompress(b"".join(idat))
    stride = w * bpp
    rows, prev, i = [], bytearray(stride), 0
    for _ in range(h):
        f = raw[i]
        line = bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        if f == 1:
            for x in range(bpp, stride):
                line[x] = (line[x] + line[x - bpp]) & 255
        elif f == 2:
            for x in range(stride):
                line[x] = (line[x] + prev[x]) & 255
        elif f == 3:
            for x in range(stride):
                a = line[x - bpp] if x >= bpp else 0
                line[x] = (line[x] + ((a + prev[x]) >> 1)) & 255
        elif f == 4:
            for x in range(stride):
                a = line[x - bpp] if x >= bpp else 0
                b = prev[x]
                c = prev[x - bpp] if x >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        elif f != 0:
            raise ValueError(f"bad filter {f}")
        rows.append(bytes(line))
        prev = line
    if ctype == 3:
        rows = [b"".join(plte[i] for i in r) for r in rows]
        bpp = 3
    return Image(w, h, bpp, rows)


def text_chunks(data):
    """{keyword: text} of the tEXt, zTXt and iTXt chunks (UTF-8 decoded)."""
    pos, out = 8, {}
    while pos < len(data):
        n, = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        chunk = data[pos + 8:pos + 8 + n]
        pos += 12 + n
        if kind == b"tEXt":
            k, _, t = chunk.partition(b"\0")
            out[k.decode("latin-1")] = t.decode("latin-1")
        elif kind == b"iTXt":
            k, _, rest = chunk.partition(b"\0")
            comp, rest = rest[0], rest[2:]
            _, _, rest = rest.partition(b"\0")
            _, _, t = rest.partition(b"\0")
            out[k.decode("latin-1")] = (zlib.decompress(t) if comp else t).decode("utf-8")
    return out
