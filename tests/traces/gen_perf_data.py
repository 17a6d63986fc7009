"""Writes a perf.data that is a real capture plus synthetic tracepoint samples.

usage: gen_perf_data.py TEMPLATE OUT SPEC.json

The template (a file-mode perf.data recorded by `perf record -e 'kvm:*' ...`)
supplies the header, attrs and tracing data (the kernel's formats); the
samples listed in SPEC are appended to its data section, encoded from those
formats: {"samples": [{"event": "kvm_exit", "ts": ns, "cpu": 1, "pid": 7858,
"tid": 7858, "fields": {"exit_reason": 123, "isa": 2}}, ...]}.

Used where this machine cannot produce an event for real (its KVM is PVM,
which emits no kvm_exit/kvm_entry), and by the benchmark to scale a capture.
`perf script` reads the result, so it stays an independent oracle.
"""
import json
import re
import struct
import sys

S_IP, S_TID, S_TIME, S_ADDR, S_READ, S_CALLCHAIN, S_ID, S_CPU, S_PERIOD, S_STREAM_ID, S_RAW = (
    1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024)
S_IDENTIFIER = 1 << 16


class Template:
    def __init__(self, raw):
        self.raw = raw
        (magic, hsize, self.attr_size, self.attrs_off, self.attrs_size, self.data_off, self.data_size) = \
            struct.unpack_from("<7Q", raw, 0)
        assert magic == 0x32454c4946524550 and hsize >= 104, "not a file-mode perf.data"
        self.feat = struct.unpack_from("<4Q", raw, 72)
        self.attrs = []  # (sample_type, config, [ids], entry offset)
        for i in range(self.attrs_size // self.attr_size):
            off = self.attrs_off + i * self.attr_size
            typ, size, config, period, stype = struct.unpack_from("<IIQQQ", raw, off)
            ids_off, ids_size = struct.unpack_from("<QQ", raw, off + self.attr_size - 16)
            ids = list(struct.unpack_from(f"<{ids_size // 8}Q", raw, ids_off)) if ids_size else []
            self.attrs.append((typ, stype, config, ids, ids_off))
        # formats: plain text inside the tracing-data feature section
        self.formats = {}
        for m in re.finditer(rb"name: (\w+)\nID: (\d+)\nformat:\n(.*?)\n\nprint fmt", raw, re.S):
            fields = {}
            for f in re.finditer(rb"field:([^;]*?)\s*(\w+)(?:\[\d*\])?;\s*offset:(\d+);\s*size:(\d+);\s*signed:(\d)",
                                 m.group(3)):
                fields[f.group(2).decode()] = (int(f.group(3)), int(f.group(4)), f.group(1).decode())
            self.formats[m.group(1).decode()] = (int(m.group(2)), fields)

    def attr_for(self, event_id):
        for typ, stype, config, ids, _ in self.attrs:
            if typ == 2 and config == event_id:
                return stype, ids
        raise SystemExit(f"template has no attr for tracepoint id {event_id}")

    def sample(self, s):
        eid, fields = self.formats[s["event"]]
        stype, ids = self.attr_for(eid)
        size = max(o + n for o, n, _ in fields.values())
        data = bytearray(size)
        vals = dict(common_type=eid, common_flags=0, common_preempt_count=0, common_pid=s["tid"])
        vals.update(s.get("fields", {}))
        for name, v in vals.items():
            o, n, typ = fields[name]
            if isinstance(v, str):
                b = v.encode()[:n - 1]
                data[o:o + len(b)] = b
            else:
                data[o:o + n] = (v & ((1 << (8 * n)) - 1)).to_bytes(n, "little")
        pad = (-(4 + len(data))) % 8
        data += b"\0" * pad
        body = b""
        if stype & S_IDENTIFIER:
            body += struct.pack("<Q", ids[0])
        if stype & S_IP:
            body += struct.pack("<Q", 0xffffffff81000000)
        if stype & S_TID:
            body += struct.pack("<II", s["pid"], s["tid"])
        if stype & S_TIME:
            body += struct.pack("<Q", s["ts"])
        if stype & S_ID:
            body += struct.pack("<Q", ids[0])
        if stype & S_CPU:
            body += struct.pack("<II", s["cpu"], 0)
        if stype & S_PERIOD:
            body += struct.pack("<Q", 1)
        assert not stype & (S_ADDR | S_STREAM_ID | S_READ | S_CALLCHAIN), "unsupported sample_type"
        body += struct.pack("<I", len(data)) + bytes(data)
        return struct.pack("<IHH", 9, 0, 8 + len(body)) + body

    def write(self, out_path, records):
        extra = b"".join(records)
        raw = self.raw
        end = self.data_off + self.data_size
        nfeat = sum(bin(w).count("1") for w in self.feat)
        table = bytearray(raw[end:end + 16 * nfeat])
        for i in range(nfeat):
            off, size = struct.unpack_from("<QQ", table, 16 * i)
            struct.pack_into("<QQ", table, 16 * i, off + len(extra), size)
        head = bytearray(raw[:end])
        struct.pack_into("<Q", head, 48, self.data_size + len(extra))
        for typ, stype, config, ids, ids_off in self.attrs:
            assert ids_off < self.data_off, "attr ids after the data section"
        with open(out_path, "wb") as f:
            f.write(head)
            f.write(extra)
            f.write(table)
            f.write(raw[end + 16 * nfeat:])


def main():
    tpl_path, out, spec_path = sys.argv[1:4]
    with open(tpl_path, "rb") as f:
        t = Template(f.read())
    with open(spec_path) as f:
        spec = json.load(f)
    t.write(out, [t.sample(s) for s in spec["samples"]])


if __name__ == "__main__":
    main()
