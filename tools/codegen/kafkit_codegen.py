#!/usr/bin/env python3
"""kafkit's message generator: schema files in lib/protocol/messages/ -> C++.

Usage:
  kafkit_codegen.py api REQUEST.json RESPONSE.json OUT.hpp OUT.cpp
  kafkit_codegen.py registry OUT.hpp OUT.cpp SCHEMA.json...
  kafkit_codegen.py errors ERRORS.json OUT.hpp OUT.cpp

Schema format (one request or response per file):
  {"api": "Produce", "key": 0, "kind": "request", "coordinator": "any",
   "versions": "0-13", "flexible": "9+",
   "fields": [{"name": "Acks", "type": "int16", "in": "0+", "null": "3+",
               "default": -1, "tag": 0, "tagged": "12+", "secret": true,
               "fields": [...nested struct fields when type is S or []S...]}],
   "structs": [{"name": "S", "fields": [...]}]}
Version ranges are "N+", "A-B", "N" or "none". Python standard library only.
"""
import json
import os
import re
import sys

PRIMS = {
    'bool': ('bool', 'boolean', 1), 'int8': ('int8_t', 'i8', 1), 'int16': ('int16_t', 'i16', 2),
    'int32': ('int32_t', 'i32', 4), 'int64': ('int64_t', 'i64', 8), 'uint16': ('uint16_t', 'u16', 2),
    'uint32': ('uint32_t', 'u32', 4), 'float64': ('double', 'f64', 8), 'uuid': ('Uuid', 'uuid', 16),
}
KEYWORDS = set('''alignas alignof and and_eq asm auto bitand bitor bool break case catch char class compl
concept const consteval constexpr constinit const_cast continue co_await co_return co_yield decltype default
delete do double dynamic_cast else enum explicit export extern false float for friend goto if inline int long
mutable namespace new noexcept not not_eq nullptr operator or or_eq private protected public register
reinterpret_cast requires return short signed sizeof static static_assert static_cast struct switch template
this thread_local throw true try typedef typeid typename union unsigned using virtual void volatile wchar_t
while xor xor_eq'''.split())
RESERVED_MEMBERS = {'encode', 'decode', 'encoded_size', 'to_json', 'normalize', 'randomize',
                    'unknown_tagged_fields'}


def fail(msg):
    sys.stderr.write('kafkit_codegen: %s\n' % msg)
    sys.exit(1)


def parse_range(s):
    if s is None or s == 'none':
        return None
    if s.endswith('+'):
        return (int(s[:-1]), 32767)
    if '-' in s:
        a, b = s.split('-')
        return (int(a), int(b))
    return (int(s), int(s))


def snake(name):
    s = re.sub(r'([a-z0-9])([A-Z])', r'\1_\2', name)
    s = re.sub(r'([A-Z]+)([A-Z][a-z])', r'\1_\2', s).lower()
    return s + '_' if s in KEYWORDS else s


class Field:
    def __init__(self, d, path, msg):
        self.name = d['name']
        self.cname = snake(self.name)
        if self.cname in RESERVED_MEMBERS:
            fail('%s: field name %s clashes with a member function' % (path, self.name))
        self.path = path + '.' + self.name
        t = d['type']
        self.is_array = t.startswith('[]')
        self.base = t[2:] if self.is_array else t
        self.versions = parse_range(d['in'])
        self.nullable = parse_range(d.get('null'))
        self.has_default = 'default' in d
        self.default = d.get('default')
        self.tag = d.get('tag')
        self.tagged = parse_range(d.get('tagged'))
        if (self.tag is None) != (self.tagged is None):
            fail('%s: tag and tagged go together' % self.path)
        self.secret = d.get('secret', False)
        self.struct = None
        if 'fields' in d:
            self.struct = msg.add_struct(self.base, d['fields'], self.path)
        elif self.base not in PRIMS and self.base not in ('string', 'bytes', 'records'):
            self.struct_ref = self.base  # a common struct, resolved later
        if self.versions is None:
            fail('%s: no versions' % self.path)

    @property
    def kind(self):
        if self.base in PRIMS:
            return 'prim'
        if self.base in ('string', 'bytes', 'records'):
            return self.base
        return 'struct'

    @property
    def optional(self):
        return self.nullable is not None and (self.is_array or self.kind != 'prim')

    def elem_type(self, q=''):
        k = self.kind
        if k == 'prim':
            return PRIMS[self.base][0]
        if k == 'string':
            return 'std::string'
        if k in ('bytes', 'records'):
            return 'Bytes'
        return q + self.base

    def ctype(self, q=''):
        t = self.elem_type(q)
        if self.is_array:
            t = 'std::vector<%s>' % t
        if self.optional:
            t = 'std::optional<%s>' % t
        return t

    def default_init(self, q=''):
        """Expression X such that `ctype{X}` is the field's default value."""
        k = self.kind
        if self.is_array or k == 'struct' or k in ('bytes', 'records'):
            if self.optional:
                return 'std::nullopt' if self.default is None and self.has_default else \
                    ('%s{}' % (('std::vector<%s>' % self.elem_type(q)) if self.is_array else self.elem_type(q)))
            return ''
        if k == 'string':
            if self.optional and self.has_default and self.default is None:
                return 'std::nullopt'
            lit = json.dumps(self.default) if isinstance(self.default, str) and self.default else ''
            if self.optional:
                return 'std::string(%s)' % lit
            return lit
        d = self.default
        if d is None or d is False or d == 0:
            return ''
        if d is True:
            return 'true'
        if self.base == 'float64':
            return repr(float(d))
        if self.base == 'int64':
            return 'INT64_MIN' if d == -2**63 else 'INT64_C(%d)' % d
        if self.base == 'int32' and d == -2**31:
            return 'INT32_MIN'
        return str(d)


class Struct:
    def __init__(self, name, fields_json, path, msg):
        self.name = name
        self.path = path
        self.fields = [Field(f, path, msg) for f in fields_json]
        names = [f.cname for f in self.fields]
        if len(set(names)) != len(names):
            fail('%s: duplicate field names' % path)


class Message:
    def __init__(self, d, fname):
        self.api = d['api']
        self.key = d['key']
        self.kind = d['kind']
        self.coordinator = d.get('coordinator', 'any')
        self.lo, self.hi = parse_range(d['versions'])
        flex = parse_range(d.get('flexible', 'none'))
        self.flex_lo = flex[0] if flex else -1
        self.cname = self.api + ('Request' if self.kind == 'request' else 'Response')
        self.structs = {}
        self.order = []
        for s in d.get('structs', []):
            self.add_struct(s['name'], s['fields'], self.cname + '.' + s['name'], common=True)
        self.top = Struct(self.cname, d['fields'], self.cname, self)
        self.resolve(self.top)
        for s in self.structs.values():
            self.resolve(s)
        self.order = []
        seen = set()
        self.toposort(self.top, seen)
        self.check_array_elements()

    def min_size(self, s, v, flex):
        n = 1 if flex else 0
        for f in s.fields:
            if f.tag is not None or not (f.versions[0] <= v <= f.versions[1]):
                continue
            if f.is_array or f.kind in ('bytes', 'records'):
                n += 1 if flex else 4
            elif f.kind == 'prim':
                n += PRIMS[f.base][2]
            elif f.kind == 'string':
                n += 1 if flex else 2
            else:
                n += 1 if f.optional else self.min_size(f.struct, v, flex)
        return n

    def check_array_elements(self):
        """An array element must take at least one byte, or a count could make a decoder
        create elements without consuming input."""
        for s in list(self.structs.values()) + [self.top]:
            for f in s.fields:
                if not (f.is_array and f.struct is not None):
                    continue
                for v in range(max(self.lo, f.versions[0]), min(self.hi, f.versions[1]) + 1):
                    if self.min_size(f.struct, v, self.flex_lo >= 0 and v >= self.flex_lo) == 0:
                        fail('%s: elements can be empty in version %d' % (f.path, v))

    def add_struct(self, name, fields, path, common=False):
        if name in self.structs:
            fail('%s: struct %s defined twice' % (path, name))
        s = Struct(name, fields, path, self)
        self.structs[name] = s
        return s

    def resolve(self, s):
        for f in s.fields:
            if f.kind == 'struct' and f.struct is None:
                if f.base not in self.structs:
                    fail('%s: unknown type %s' % (f.path, f.base))
                f.struct = self.structs[f.base]

    def toposort(self, s, seen):
        for f in s.fields:
            if f.struct is not None and f.struct.name not in seen:
                seen.add(f.struct.name)
                self.toposort(f.struct, seen)
                self.order.append(f.struct)

    # C++ condition that version v lies in range r (within this message's valid range).
    def cond(self, r):
        if r is None:
            return 'false'
        lo, hi = r
        parts = []
        if lo > self.lo:
            parts.append('v >= %d' % lo)
        if hi < self.hi:
            parts.append('v <= %d' % hi)
        if lo > self.hi or hi < self.lo:
            return 'false'
        return ' && '.join(parts) if parts else 'true'

    def tag_cond(self, f):
        c = self.cond(f.tagged)
        return 'flex' if c == 'true' else '(flex && %s)' % c


def when(cond, body, ind):
    """Emit body lines under `if (cond)` unless cond is trivially true/false."""
    if cond == 'false':
        return []
    if cond == 'true':
        return [ind + l for l in body]
    return [ind + 'if (%s) {' % cond] + [ind + '  ' + l for l in body] + [ind + '}']


class Gen:
    def __init__(self, msg):
        self.m = msg
        self.q = msg.cname + '::'  # qualifies nested struct names outside the struct

    def fn(self, s, what):
        return '%s_%s_%s' % (what, self.m.cname, s.name)

    def qual(self, s):
        return self.m.cname if s is self.m.top else '%s::%s' % (self.m.cname, s.name)

    # --- encoding ---------------------------------------------------------------------
    def enc_elem(self, f, e):
        k = f.kind
        if k == 'prim':
            return ['w.%s(%s);' % (PRIMS[f.base][1], e)]
        if k == 'string':
            return ['w.string(%s, flex);' % e]
        if k in ('bytes', 'records'):
            return ['w.bytes(%s, flex);' % e]
        return ['%s(w, %s, v, flex);' % (self.fn(f.struct, 'encode'), e)]

    def enc_value(self, f, x):
        m = self.m
        nc = m.cond(f.nullable)
        if f.is_array:
            body = []
            if f.optional:
                body += ['if (!%s) {' % x, '  w.array_count(-1, flex);' if nc != 'false' else
                         '  w.array_count(0, flex);', '} else {']
                inner = ['w.array_count(static_cast<int64_t>(%s->size()), flex);' % x,
                         'for (const auto& e : *%s) {' % x]
            else:
                inner = ['w.array_count(static_cast<int64_t>(%s.size()), flex);' % x,
                         'for (const auto& e : %s) {' % x]
            inner += ['  ' + l for l in self.enc_elem(f, 'e')] + ['}']
            if f.optional:
                if nc not in ('true', 'false'):
                    body[1] = '  w.array_count(%s ? -1 : 0, flex);' % nc
                return body + ['  ' + l for l in inner] + ['}']
            return inner
        k = f.kind
        if not f.optional:
            return self.enc_elem(f, x)
        if k == 'string':
            if nc == 'true':
                return ['w.nullable_string(%s, flex);' % x]
            return ['if (%s) w.nullable_string(%s, flex); else w.string(%s ? std::string_view(*%s) : std::string_view(), flex);' % (nc, x, x, x)]
        if k == 'records':
            # Writer::records: nullable_bytes unless a RecordsSplicer claims the field.
            if nc == 'true':
                return ['w.records(%s, flex);' % x]
            return ['w.records(%s, flex, %s);' % (x, nc)]
        if k == 'bytes':
            if nc == 'true':
                return ['w.nullable_bytes(%s, flex);' % x]
            return ['if (%s) w.nullable_bytes(%s, flex); else w.bytes(%s ? ByteView(*%s) : ByteView(), flex);' % (nc, x, x, x)]
        # nullable struct: INT8 marker, -1 null / 1 present
        return ['if (%s) {' % nc, '  w.i8(%s ? 1 : -1);' % x, '  if (%s) %s(w, *%s, v, flex);' % (x, self.fn(f.struct, 'encode'), x),
                '} else {', '  %s(w, %s ? *%s : %s{}, v, flex);' % (self.fn(f.struct, 'encode'), x, x, self.q + f.struct.name), '}']

    def size_elem(self, f, e):
        k = f.kind
        if k == 'prim':
            return '%d' % PRIMS[f.base][2]
        if k == 'string':
            return 'string_size(static_cast<int64_t>(%s.size()), flex)' % e
        if k in ('bytes', 'records'):
            return 'bytes_size(static_cast<int64_t>(%s.size()), flex)' % e
        return '%s(%s, v, flex)' % (self.fn(f.struct, 'size'), e)

    def size_value(self, f, x):
        """Lines that add the encoded size of field value x to `n`."""
        m = self.m
        nc = m.cond(f.nullable)
        if f.is_array:
            ref = ('(*%s)' % x) if f.optional else x
            lines = []
            pre = ''
            if f.optional:
                lines.append('if (!%s) n += array_count_size(-1, flex); else {' % x)
                pre = '  '
            lines.append(pre + 'n += array_count_size(static_cast<int64_t>(%s.size()), flex);' % ref)
            if f.kind == 'prim':
                lines.append(pre + 'n += %s.size() * %d;' % (ref, PRIMS[f.base][2]))
            else:
                lines.append(pre + 'for (const auto& e : %s) n += %s;' % (ref, self.size_elem(f, 'e')))
            if f.optional:
                lines.append('}')
            return lines
        k = f.kind
        if not f.optional:
            return ['n += %s;' % self.size_elem(f, x)]
        if k == 'string':
            return ['n += string_size(%s ? static_cast<int64_t>(%s->size()) : %s, flex);' % (x, x, '-1' if nc == 'true' else '(%s ? -1 : 0)' % nc if nc != 'false' else '0')]
        if k in ('bytes', 'records'):
            return ['n += bytes_size(%s ? static_cast<int64_t>(%s->size()) : %s, flex);' % (x, x, '-1' if nc == 'true' else '(%s ? -1 : 0)' % nc if nc != 'false' else '0')]
        return ['if (%s) n += 1 + (%s ? %s(*%s, v, flex) : 0);' % (nc, x, self.fn(f.struct, 'size'), x),
                'else n += %s(%s ? *%s : %s{}, v, flex);' % (self.fn(f.struct, 'size'), x, x, self.q + f.struct.name)]

    # --- decoding ---------------------------------------------------------------------
    def dec_elem(self, f, r, target):
        k = f.kind
        p = json.dumps(f.path)
        if k == 'prim':
            return ['%s = %s.%s(%s);' % (target, r, PRIMS[f.base][1], p)]
        if k == 'string':
            return ['%s = %s.string(flex, %s);' % (target, r, p)]
        if k in ('bytes', 'records'):
            return ['%s = %s.bytes(flex, %s);' % (target, r, p)]
        return ['%s(%s, %s, v, flex);' % (self.fn(f.struct, 'decode'), r, target)]

    def dec_value(self, f, r, x):
        m = self.m
        nc = m.cond(f.nullable)
        p = json.dumps(f.path)
        k = f.kind
        if f.is_array:
            if f.kind == 'struct':
                mins = 'std::max<size_t>(1, %s(v, flex))' % self.fn(f.struct, 'min_size')
            elif k == 'prim':
                mins = str(PRIMS[f.base][2])
            else:
                mins = '(flex ? 1 : %d)' % (2 if k == 'string' else 4)
            lines = ['{',
                     '  int32_t count = %s.array_count(flex, %s, %s, %s);' % (r, 'false' if nc == 'false' else nc, mins, p)]
            if f.optional:
                lines += ['  if (count < 0) %s.reset(); else {' % x, '    auto& vec = %s.emplace();' % x]
            else:
                lines += ['  if (count >= 0) {', '    auto& vec = %s;' % x]
            lines += ['    vec.clear();', '    vec.reserve(static_cast<size_t>(std::min(count, 1024)));',
                      '    for (int32_t i = 0; i < count && %s.ok(); ++i) {' % r]
            if k == 'struct':
                lines += ['      %s(%s, vec.emplace_back(), v, flex);' % (self.fn(f.struct, 'decode'), r)]
            else:
                lines += ['      ' + l for l in self.dec_elem(f, r, 'vec.emplace_back()')]
            lines += ['    }', '  }', '}']
            return lines
        if not f.optional:
            return self.dec_elem(f, r, x)
        if k == 'string':
            if nc == 'true':
                return ['%s = %s.nullable_string(flex, %s);' % (x, r, p)]
            return ['if (%s) %s = %s.nullable_string(flex, %s); else %s = %s.string(flex, %s);' % (nc, x, r, p, x, r, p)]
        if k in ('bytes', 'records'):
            if nc == 'true':
                return ['%s = %s.nullable_bytes(flex, %s);' % (x, r, p)]
            return ['if (%s) %s = %s.nullable_bytes(flex, %s); else %s = %s.bytes(flex, %s);' % (nc, x, r, p, x, r, p)]
        dec = self.fn(f.struct, 'decode')
        return ['if (%s && %s.i8(%s) < 0) {' % (nc, r, p), '  %s.reset();' % x, '} else {',
                '  %s(%s, %s.emplace(), v, flex);' % (dec, r, x), '}']

    # --- json -------------------------------------------------------------------------
    def json_elem(self, f, e):
        k = f.kind
        if k == 'prim':
            if f.base == 'uuid':
                return ['j.value(%s.to_string());' % e]
            return ['j.value(%s);' % e]
        if k == 'string':
            return ['j.value(std::string_view(%s));' % e]
        if f.secret:
            return ['j.value("<redacted " + std::to_string(%s.size()) + " bytes>");' % e]
        if k == 'records':
            return ['records_to_json(j, %s);' % e]
        if k == 'bytes':
            return ['j.base64(%s);' % e]
        return ['%s(j, %s, v, flex);' % (self.fn(f.struct, 'json'), e)]

    def json_value(self, f, x):
        lines = []
        ref = x
        if f.optional:
            lines.append('if (!%s) j.null(); else {' % x)
            ref = '(*%s)' % x
        body = []
        if f.is_array:
            body += ['j.begin_array();', 'for (const auto& e : %s) {' % ref] + \
                    ['  ' + l for l in self.json_elem(f, 'e')] + ['}', 'j.end_array();']
        else:
            body += self.json_elem(f, ref)
        if f.optional:
            return lines + ['  ' + l for l in body] + ['}']
        return body

    # --- normalize / randomize ----------------------------------------------------------
    def norm_value(self, f, x):
        m = self.m
        nc = m.cond(f.nullable)
        lines = []
        ref = x
        if f.optional:
            if nc != 'true':
                fill = ('std::vector<%s>{}' % f.elem_type(self.q)) if f.is_array else \
                    ('std::string()' if f.kind == 'string' else ('Bytes{}' if f.kind in ('bytes', 'records') else '%s{}' % (self.q + f.struct.name)))
                lines.append('if (!%s && !(%s)) %s = %s;' % (x, nc, x, fill))
            ref = '(*%s)' % x
            if f.kind == 'struct':
                lines.append('if (%s) {' % x)
        if f.kind == 'struct':
            if f.is_array:
                sub = ['for (auto& e : %s) %s(e, v, flex);' % (ref, self.fn(f.struct, 'normalize'))]
            else:
                sub = ['%s(%s, v, flex);' % (self.fn(f.struct, 'normalize'), ref)]
            if f.optional:
                lines += ['  ' + l for l in sub] + ['}']
            else:
                lines += sub
        return lines

    def rand_elem(self, f, target):
        k = f.kind
        if k == 'prim':
            if f.base == 'bool':
                return ['%s = g.boolean();' % target]
            if f.base == 'float64':
                return ['%s = g.float64();' % target]
            if f.base == 'uuid':
                return ['%s = g.uuid();' % target]
            return ['%s = g.integer<%s>();' % (target, PRIMS[f.base][0])]
        if k == 'string':
            return ['%s = g.string();' % target]
        if k in ('bytes', 'records'):
            return ['%s = g.bytes();' % target]
        return ['%s(g, %s, v, flex);' % (self.fn(f.struct, 'randomize'), target)]

    def rand_value(self, f, x):
        nc = self.m.cond(f.nullable)
        lines = []
        if f.optional:
            lines.append('if (%s && g.chance(4)) %s.reset(); else {' % (nc, x))
            if f.is_array:
                lines.append('  auto& t = %s.emplace();' % x)
            elif f.kind == 'struct':
                lines.append('  auto& t = %s.emplace();' % x)
            else:
                lines.append('  auto& t = %s.emplace();' % x)
            target = 't'
            ind = '  '
        else:
            target = x
            ind = ''
        if f.is_array:
            body = ['%s.clear();' % target, 'for (size_t i = 0, n = g.count(); i < n; ++i) {'] + \
                   ['  ' + l for l in self.rand_elem(f, '%s.emplace_back()' % target)] + ['}']
        else:
            body = self.rand_elem(f, target)
        lines += [ind + l for l in body]
        if f.optional:
            lines.append('}')
        return lines

    # --- per struct -------------------------------------------------------------------
    def struct_decl(self, s, ind):
        out = []
        for f in s.fields:
            init = f.default_init()
            out.append('%s%s %s%s;' % (ind, f.ctype(), f.cname, '{%s}' % init if init else '{}'))
        out.append('%sTaggedFields unknown_tagged_fields;' % ind)
        return out

    def struct_funcs(self, s):
        m = self.m
        q = self.qual(s)
        regular = [f for f in s.fields if f.tag is None]
        tagged = sorted([f for f in s.fields if f.tag is not None], key=lambda f: f.tag)
        o = []
        # min size
        o.append('[[maybe_unused]] size_t %s(int16_t v, bool flex) noexcept {' % self.fn(s, 'min_size'))
        o.append('  (void)v;')
        o.append('  size_t n = flex ? 1 : 0;')
        for f in regular:
            if f.is_array:
                e = '(flex ? 1 : 4)'
            elif f.kind == 'prim':
                e = str(PRIMS[f.base][2])
            elif f.kind == 'string':
                e = '(flex ? 1 : 2)'
            elif f.kind in ('bytes', 'records'):
                e = '(flex ? 1 : 4)'
            elif f.optional:
                e = '1'
            else:
                e = '%s(v, flex)' % self.fn(f.struct, 'min_size')
            o += when(m.cond(f.versions), ['n += %s;' % e], '  ')
        o.append('  return n;')
        o.append('}')
        # encode
        o.append('void %s(Writer& w, const %s& x, int16_t v, bool flex) {' % (self.fn(s, 'encode'), q))
        o.append('  (void)v;')
        for f in regular:
            o += when(m.cond(f.versions), self.enc_value(f, 'x.' + f.cname), '  ')
        o.append('  if (flex) {')
        o.append('    uint32_t count = static_cast<uint32_t>(x.unknown_tagged_fields.size());')
        for f in tagged:
            init = f.default_init(self.q)
            o.append('    const bool has_%s = %s && !(x.%s == %s{%s});' % (f.cname, m.tag_cond(f), f.cname, f.ctype(self.q), init))
            o.append('    count += has_%s ? 1 : 0;' % f.cname)
        o.append('    w.uvarint(count);')
        o.append('    size_t u = 0;')
        for f in tagged:
            o.append('    u = write_unknown_tags(w, x.unknown_tagged_fields, u, %d);' % f.tag)
            o.append('    if (has_%s) {' % f.cname)
            o.append('      w.uvarint(%d);' % f.tag)
            o.append('      size_t n = 0;')
            o += ['      ' + l for l in self.size_value(f, 'x.' + f.cname)]
            o.append('      w.uvarint(static_cast<uint32_t>(n));')
            o += ['      ' + l for l in self.enc_value(f, 'x.' + f.cname)]
            o.append('    }')
        o.append('    write_unknown_tags(w, x.unknown_tagged_fields, u, UINT64_MAX);')
        o.append('  }')
        o.append('}')
        # size
        o.append('size_t %s(const %s& x, int16_t v, bool flex) {' % (self.fn(s, 'size'), q))
        o.append('  (void)v;')
        o.append('  size_t n = 0;')
        for f in regular:
            o += when(m.cond(f.versions), self.size_value(f, 'x.' + f.cname), '  ')
        o.append('  if (flex) {')
        o.append('    uint32_t count = static_cast<uint32_t>(x.unknown_tagged_fields.size());')
        o.append('    for (const auto& t : x.unknown_tagged_fields) n += uvarint_size(t.tag) + uvarint_size(t.data.size()) + t.data.size();')
        for f in tagged:
            init = f.default_init(self.q)
            o.append('    if (%s && !(x.%s == %s{%s})) {' % (m.tag_cond(f), f.cname, f.ctype(self.q), init))
            o.append('      size_t before = n;')
            o += ['      ' + l for l in self.size_value(f, 'x.' + f.cname)]
            o.append('      n += uvarint_size(%d) + uvarint_size(n - before);' % f.tag)
            o.append('      ++count;')
            o.append('    }')
        o.append('    n += uvarint_size(count);')
        o.append('  }')
        o.append('  return n;')
        o.append('}')
        # decode
        o.append('void %s(Reader& r, %s& x, int16_t v, bool flex) {' % (self.fn(s, 'decode'), q))
        o.append('  (void)v;')
        for f in regular:
            o += when(m.cond(f.versions), self.dec_value(f, 'r', 'x.' + f.cname), '  ')
        tp = json.dumps(s.path + '.<tagged fields>')
        o.append('  if (flex) {')
        o.append('    uint32_t count = read_tag_count(r, %s);' % tp)
        o.append('    for (uint32_t i = 0; i < count && r.ok(); ++i) {')
        o.append('      uint32_t tag = r.uvarint(%s);' % tp)
        o.append('      uint32_t size = r.uvarint(%s);' % tp)
        o.append('      ByteView data = r.take(size, %s);' % tp)
        o.append('      if (!r.ok()) break;')
        if tagged:
            o.append('      Reader sub(data, r.offset() - data.size());')
            o.append('      switch (tag) {')
            for f in tagged:
                o.append('        case %d:' % f.tag)
                o.append('          if (%s) {' % m.tag_cond(f))
                o += ['            ' + l for l in self.dec_value(f, 'sub', 'x.' + f.cname)]
                o.append('            if (sub.ok() && !sub.at_end()) sub.fail("tagged field longer than its value", %s);' % json.dumps(f.path))
                o.append('            r.fail_from(sub);')
                o.append('            continue;')
                o.append('          }')
                o.append('          break;')
            o.append('        default:')
            o.append('          break;')
            o.append('      }')
        o.append('      x.unknown_tagged_fields.push_back(TaggedField{tag, Bytes(data.begin(), data.end())});')
        o.append('    }')
        o.append('  }')
        o.append('}')
        # json
        o.append('void %s(JsonWriter& j, const %s& x, int16_t v, bool flex) {' % (self.fn(s, 'json'), q))
        o.append('  (void)v;')
        o.append('  (void)flex;')
        o.append('  j.begin_object();')
        for f in s.fields:
            c = m.cond(f.versions) if f.tag is None else m.tag_cond(f)
            o += when(c, ['j.key("%s");' % f.name] + self.json_value(f, 'x.' + f.cname), '  ')
        o.append('  if (!x.unknown_tagged_fields.empty()) write_unknown_tags_json(j, x.unknown_tagged_fields);')
        o.append('  j.end_object();')
        o.append('}')
        # normalize
        o.append('void %s(%s& x, int16_t v, bool flex) {' % (self.fn(s, 'normalize'), q))
        o.append('  (void)v;')
        o.append('  if (!flex) x.unknown_tagged_fields.clear();')
        for f in s.fields:
            c = m.cond(f.versions) if f.tag is None else m.tag_cond(f)
            init = f.default_init(self.q)
            reset = ['x.%s = %s{%s};' % (f.cname, f.ctype(self.q), init)]
            keep = self.norm_value(f, 'x.' + f.cname)
            if c == 'true':
                o += ['  ' + l for l in keep]
            elif c == 'false':
                o += ['  ' + l for l in reset]
            else:
                o.append('  if (!(%s)) {' % c)
                o += ['    ' + l for l in reset]
                if keep:
                    o.append('  } else {')
                    o += ['    ' + l for l in keep]
                o.append('  }')
        o.append('}')
        # randomize
        o.append('void %s(RandomSource& g, %s& x, int16_t v, bool flex) {' % (self.fn(s, 'randomize'), q))
        o.append('  (void)v;')
        for f in s.fields:
            c = m.cond(f.versions) if f.tag is None else m.tag_cond(f)
            o += when(c, self.rand_value(f, 'x.' + f.cname), '  ')
        o.append('  x.unknown_tagged_fields.clear();')
        o.append('  if (flex && g.chance(8)) x.unknown_tagged_fields.push_back(TaggedField{10000, g.bytes()});')
        o.append('}')
        return o

    def header(self):
        m = self.m
        o = []
        ind = '  '
        o.append('/// %s (API key %d), versions %d-%d%s.' % (m.cname, m.key, m.lo, m.hi,
                 ', flexible from %d' % m.flex_lo if m.flex_lo >= 0 else ', never flexible'))
        # Nested structs live in a namespace of their own and are aliased into the message:
        # clang cannot default-construct a nested class with member initializers until the
        # enclosing class is complete, which std::optional<Nested> members need.
        ns = snake(m.cname).rstrip('_')
        if m.order:
            o.append('namespace %s {' % ns)
            for s in m.order:
                o.append('struct %s {' % s.name)
                o += self.struct_decl(s, ind)
                o.append('  bool operator==(const %s&) const;' % s.name)
                o.append('};')
            o.append('}  // namespace %s' % ns)
            o.append('')
        o.append(o.pop(0))  # the doc comment goes right above the struct
        o.append('struct %s {' % m.cname)
        for s in m.order:
            o.append('%susing %s = %s::%s;' % (ind, s.name, ns, s.name))
        o += self.struct_decl(m.top, ind)
        o.append('')
        o.append('  static constexpr int16_t api_key = %d;' % m.key)
        o.append('  static constexpr const char* api_name = "%s";' % m.api)
        o.append('  static constexpr const char* type_name = "%s";' % m.cname)
        o.append('  static constexpr bool is_request = %s;' % ('true' if m.kind == 'request' else 'false'))
        o.append('  static constexpr int16_t min_version = %d;' % m.lo)
        o.append('  static constexpr int16_t max_version = %d;' % m.hi)
        o.append('  /// -1 when no version is flexible (KIP-482).')
        o.append('  static constexpr int16_t first_flexible_version = %d;' % m.flex_lo)
        o.append('  static constexpr bool is_flexible(int16_t v) noexcept { return first_flexible_version >= 0 && v >= first_flexible_version; }')
        o.append('')
        o.append('  /// Appends the body at `version`; throws std::out_of_range for a version outside the range.')
        o.append('  void encode(Writer& w, int16_t version) const;')
        o.append('  size_t encoded_size(int16_t version) const;')
        o.append('  /// Replaces *this with the body read from `r`; returns the first decoding failure.')
        o.append('  Result<void> decode(Reader& r, int16_t version);')
        o.append('  /// Fields of `version` as one JSON object; secrets are redacted.')
        o.append('  void to_json(JsonWriter& j, int16_t version) const;')
        o.append('  /// Resets what `version` cannot carry to its default, as a decode of this version would.')
        o.append('  void normalize(int16_t version);')
        o.append('  /// Fills the fields of `version` with random values.')
        o.append('  void randomize(RandomSource& g, int16_t version);')
        # Defaulted out of line: the deep member-wise comparison is compiled once, here,
        # instead of in every file that compares messages.
        o.append('  bool operator==(const %s&) const;' % m.cname)
        o.append('};')
        return o

    def source(self):
        m = self.m
        o = []
        for s in m.order + [m.top]:
            for w in ('min_size', 'size', 'encode', 'decode', 'json', 'normalize', 'randomize'):
                sig = {
                    'min_size': 'size_t %s(int16_t v, bool flex) noexcept;',
                    'size': 'size_t %%s(const %s& x, int16_t v, bool flex);' % self.qual(s),
                    'encode': 'void %%s(Writer& w, const %s& x, int16_t v, bool flex);' % self.qual(s),
                    'decode': 'void %%s(Reader& r, %s& x, int16_t v, bool flex);' % self.qual(s),
                    'json': 'void %%s(JsonWriter& j, const %s& x, int16_t v, bool flex);' % self.qual(s),
                    'normalize': 'void %%s(%s& x, int16_t v, bool flex);' % self.qual(s),
                    'randomize': 'void %%s(RandomSource& g, %s& x, int16_t v, bool flex);' % self.qual(s),
                }[w]
                o.append(sig % self.fn(s, w))
        for s in m.order + [m.top]:
            o += self.struct_funcs(s)
        c = m.cname
        top = m.top
        chk = '  if (version < min_version || version > max_version) throw std::out_of_range("%s: version " + std::to_string(version) + " is not in %d-%d");' % (c, m.lo, m.hi)
        o.append('}  // namespace')
        o.append('')
        ns = snake(m.cname).rstrip('_')
        for s in m.order:
            o.append('bool %s::%s::operator==(const %s&) const = default;' % (ns, s.name, s.name))
        o.append('bool %s::operator==(const %s&) const = default;' % (c, c))
        o.append('void %s::encode(Writer& w, int16_t version) const {' % c)
        o.append(chk)
        o.append('  %s(w, *this, version, is_flexible(version));' % self.fn(top, 'encode'))
        o.append('}')
        o.append('size_t %s::encoded_size(int16_t version) const {' % c)
        o.append(chk)
        o.append('  return %s(*this, version, is_flexible(version));' % self.fn(top, 'size'))
        o.append('}')
        o.append('Result<void> %s::decode(Reader& r, int16_t version) {' % c)
        o.append('  if (version < min_version || version > max_version)')
        o.append('    return Error{errc::unsupported, std::string("%s version ") + std::to_string(version) + " is not supported (%d-%d)"};' % (c, m.lo, m.hi))
        o.append('  *this = %s{};' % c)
        o.append('  %s(r, *this, version, is_flexible(version));' % self.fn(top, 'decode'))
        o.append('  if (!r.ok()) return r.error();')
        o.append('  return {};')
        o.append('}')
        o.append('void %s::to_json(JsonWriter& j, int16_t version) const {' % c)
        o.append('  %s(j, *this, version, is_flexible(version));' % self.fn(top, 'json'))
        o.append('}')
        o.append('void %s::normalize(int16_t version) {' % c)
        o.append('  %s(*this, version, is_flexible(version));' % self.fn(top, 'normalize'))
        o.append('}')
        o.append('void %s::randomize(RandomSource& g, int16_t version) {' % c)
        o.append('  %s(g, *this, version, is_flexible(version));' % self.fn(top, 'randomize'))
        o.append('}')
        return o


BANNER = '// Generated by tools/codegen/kafkit_codegen.py from lib/protocol/messages/. Do not edit.\n'


def load(path):
    with open(path) as fh:
        return Message(json.load(fh), path)


def api_files(req_path, resp_path, out_hpp, out_cpp):
    req, resp = load(req_path), load(resp_path)
    if (req.lo, req.hi) != (resp.lo, resp.hi) or req.key != resp.key:
        fail('%s: request and response disagree on key or versions' % req.api)
    base = os.path.basename(out_hpp)
    h = [BANNER, '#pragma once', '#include <cstdint>', '#include <optional>', '#include <string>',
         '#include <vector>', '', '#include "common/json_writer.hpp"', '#include "common/result.hpp"',
         '#include "protocol/random_source.hpp"', '#include "protocol/reader.hpp"', '#include "protocol/types.hpp"',
         '#include "protocol/writer.hpp"', '', 'namespace kafkit::protocol {', '']
    for m in (req, resp):
        h += Gen(m).header() + ['']
    h.append('}  // namespace kafkit::protocol')
    c = [BANNER, '#include "protocol/messages/%s"' % base, '', '#include <algorithm>', '#include <stdexcept>', '',
         '#include "protocol/message_support.hpp"', '#include "protocol/records_json.hpp"', '',
         'namespace kafkit::protocol {', 'namespace {', '']
    for i, m in enumerate((req, resp)):
        if i:
            c += ['namespace {']
        c += Gen(m).source() + ['']
    c.append('}  // namespace kafkit::protocol')
    write(out_hpp, '\n'.join(h) + '\n')
    write(out_cpp, '\n'.join(c) + '\n')


def write(path, text):
    # Only touch the file when it changes, so a regenerate does not rebuild everything.
    try:
        with open(path) as fh:
            if fh.read() == text:
                return
    except FileNotFoundError:
        pass
    with open(path, 'w') as fh:
        fh.write(text)


def registry(out_hpp, out_cpp, paths):
    apis = {}
    for p in paths:
        with open(p) as fh:
            d = json.load(fh)
        m = Message(d, p)
        e = apis.setdefault(m.key, {})
        e[m.kind] = m
        e['file'] = os.path.basename(p).rsplit('_', 1)[0]
    keys = sorted(apis)
    h = [BANNER, '#pragma once', '#include <cstdint>', '#include <span>', '#include <string_view>', '']
    for k in keys:
        h.append('#include "protocol/messages/%s.hpp"' % apis[k]['file'])
    h += ['', 'namespace kafkit::protocol {', '',
          '/// Where a request must be sent.',
          'enum class Coordinator : uint8_t { any, group, transaction, controller };', '',
          'struct ApiInfo {', '  int16_t key;', '  std::string_view name;', '  int16_t min_version;',
          '  int16_t max_version;', '  /// -1 when never flexible.', '  int16_t first_flexible_version;',
          '  Coordinator coordinator;', '};', '',
          '/// One traits type per API; visit_api() hands an instance of it to a callback.',
          'namespace api {']
    for k in keys:
        r = apis[k]['request']
        h += ['struct %s {' % r.api, '  using Request = %sRequest;' % r.api, '  using Response = %sResponse;' % r.api,
              '  static constexpr ApiInfo info{%d, "%s", %d, %d, %d, Coordinator::%s};' % (k, r.api, r.lo, r.hi, r.flex_lo, r.coordinator),
              '};']
    h += ['}  // namespace api', '',
          '/// Every API kafkit can encode and decode, ordered by key.',
          'std::span<const ApiInfo> all_apis() noexcept;',
          '/// nullptr for an API key kafkit does not know.',
          'const ApiInfo* find_api(int16_t key) noexcept;',
          '/// Request header version for an API at a version: 2 when flexible, else 1',
          '/// (0 only for ControlledShutdown v0). Unknown APIs get 1.',
          'int16_t request_header_version(int16_t key, int16_t version) noexcept;',
          '/// Response header version: 1 when flexible, else 0; ApiVersions responses are always 0.',
          'int16_t response_header_version(int16_t key, int16_t version) noexcept;', '',
          '/// Calls f(api::X{}) for the API with this key; false when the key is unknown.',
          'template <class F>', 'bool visit_api(int16_t key, F&& f) {', '  switch (key) {']
    for k in keys:
        h.append('    case %d: f(api::%s{}); return true;' % (k, apis[k]['request'].api))
    h += ['    default: return false;', '  }', '}', '', '}  // namespace kafkit::protocol']
    c = [BANNER, '#include "protocol/messages/apis.hpp"', '', '#include <algorithm>', '',
         'namespace kafkit::protocol {', '', 'namespace {', 'constexpr ApiInfo kApis[] = {']
    for k in keys:
        c.append('    api::%s::info,' % apis[k]['request'].api)
    c += ['};', '}  // namespace', '',
          'std::span<const ApiInfo> all_apis() noexcept { return kApis; }', '',
          'const ApiInfo* find_api(int16_t key) noexcept {',
          '  auto it = std::lower_bound(std::begin(kApis), std::end(kApis), key,',
          '                             [](const ApiInfo& a, int16_t k) { return a.key < k; });',
          '  return it != std::end(kApis) && it->key == key ? &*it : nullptr;', '}', '',
          'int16_t request_header_version(int16_t key, int16_t version) noexcept {',
          '  if (key == 7 && version == 0) return 0;  // ControlledShutdown v0 predates client ids',
          '  const ApiInfo* a = find_api(key);',
          '  return a && a->first_flexible_version >= 0 && version >= a->first_flexible_version ? 2 : 1;', '}', '',
          'int16_t response_header_version(int16_t key, int16_t version) noexcept {',
          '  if (key == api::ApiVersions::info.key) return 0;  // so any client can read it before negotiating',
          '  const ApiInfo* a = find_api(key);',
          '  return a && a->first_flexible_version >= 0 && version >= a->first_flexible_version ? 1 : 0;', '}', '',
          '}  // namespace kafkit::protocol']
    write(out_hpp, '\n'.join(h) + '\n')
    write(out_cpp, '\n'.join(c) + '\n')


def pascal(upper):
    return ''.join(p.capitalize() for p in upper.lower().split('_'))


def errors(path, out_hpp, out_cpp):
    with open(path) as fh:
        errs = json.load(fh)['errors']
    h = [BANNER, '#pragma once', '#include <cstdint>', '#include <span>', '#include <string_view>', '',
         'namespace kafkit::protocol {', '', '/// Kafka error codes as they appear on the wire.',
         'enum class ErrorCode : int16_t {']
    for e in errs:
        h.append('  %s = %d,  // %s' % (pascal(e['name']), e['code'], e['name']))
    h += ['};', '', 'struct ErrorCodeInfo {', '  int16_t code;', '  std::string_view name;',
          '  std::string_view message;', '  /// The same request may succeed if retried.', '  bool retriable;', '};', '',
          '/// The table, ordered by code.', 'std::span<const ErrorCodeInfo> all_error_codes() noexcept;',
          '/// nullptr for a code this table does not know (a newer broker may send one).',
          'const ErrorCodeInfo* find_error_code(int16_t code) noexcept;',
          '/// The protocol name, or "UNKNOWN_ERROR_CODE" for a code not in the table.',
          'std::string_view error_name(int16_t code) noexcept;',
          'bool is_retriable(int16_t code) noexcept;', '', '}  // namespace kafkit::protocol']
    c = [BANNER, '#include "protocol/messages/error_codes.hpp"', '', '#include <algorithm>', '',
         'namespace kafkit::protocol {', '', 'namespace {', 'constexpr ErrorCodeInfo kErrors[] = {']
    for e in errs:
        c.append('    {%d, "%s", %s, %s},' % (e['code'], e['name'], json.dumps(e['message']), 'true' if e['retriable'] else 'false'))
    c += ['};', '}  // namespace', '',
          'std::span<const ErrorCodeInfo> all_error_codes() noexcept { return kErrors; }', '',
          'const ErrorCodeInfo* find_error_code(int16_t code) noexcept {',
          '  auto it = std::lower_bound(std::begin(kErrors), std::end(kErrors), code,',
          '                             [](const ErrorCodeInfo& e, int16_t c) { return e.code < c; });',
          '  return it != std::end(kErrors) && it->code == code ? &*it : nullptr;', '}', '',
          'std::string_view error_name(int16_t code) noexcept {',
          '  const ErrorCodeInfo* e = find_error_code(code);', '  return e ? e->name : "UNKNOWN_ERROR_CODE";', '}', '',
          'bool is_retriable(int16_t code) noexcept {', '  const ErrorCodeInfo* e = find_error_code(code);',
          '  return e != nullptr && e->retriable;', '}', '', '}  // namespace kafkit::protocol']
    write(out_hpp, '\n'.join(h) + '\n')
    write(out_cpp, '\n'.join(c) + '\n')


def main(argv):
    if len(argv) >= 6 and argv[1] == 'api':
        api_files(*argv[2:6])
    elif len(argv) >= 4 and argv[1] == 'registry':
        registry(argv[2], argv[3], argv[4:])
    elif len(argv) == 5 and argv[1] == 'errors':
        errors(*argv[2:5])
    else:
        fail(__doc__)


if __name__ == '__main__':
    main(sys.argv)
