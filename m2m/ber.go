package m2m

import (
	"bytes"
	"errors"
)

// The ATO keystore writes its certificate chain as BER with indefinite
// lengths (30 80 … 00 00), which encoding/asn1 rejects. berToDER rewrites
// such input as DER: definite, minimal lengths and primitive (flattened)
// strings. It is deliberately small and bounded: nesting depth and element
// count are capped so hostile input cannot exhaust the stack or the CPU.

const (
	maxBERDepth    = 64
	maxBERElements = 100000
)

var errBER = errors.New("malformed BER")

type berNode struct {
	class, tag int
	compound   bool
	content    []byte     // primitive content
	children   []*berNode // compound content
}

type berReader struct {
	data  []byte
	count int
}

// berToDER converts one BER element (with nothing after it) to DER.
func berToDER(in []byte) ([]byte, error) {
	r := &berReader{data: in}
	n, end, err := r.read(0, 0)
	if err != nil {
		return nil, err
	}
	if end != len(in) {
		return nil, errBER
	}
	var out bytes.Buffer
	out.Grow(len(in) + 16)
	n.encode(&out)
	return out.Bytes(), nil
}

// read parses the element at off and returns it and the offset after it.
func (r *berReader) read(off, depth int) (*berNode, int, error) {
	if depth > maxBERDepth {
		return nil, 0, errBER
	}
	r.count++
	if r.count > maxBERElements {
		return nil, 0, errBER
	}
	n, off, err := r.readTag(off)
	if err != nil {
		return nil, 0, err
	}
	l, indefinite, off, err := r.readLength(off)
	if err != nil {
		return nil, 0, err
	}
	if !n.compound {
		if indefinite {
			return nil, 0, errBER
		}
		n.content = r.data[off : off+l]
		return n, off + l, nil
	}
	if off, err = r.readChildren(n, off, l, indefinite, depth); err != nil {
		return nil, 0, err
	}
	// DER has no constructed strings: flatten universal string types.
	if n.class == 0 && isStringTag(n.tag) {
		var buf []byte
		if !n.flatten(&buf, 0) {
			return nil, 0, errBER
		}
		n.compound, n.children, n.content = false, nil, buf
	}
	return n, off, nil
}

// readTag reads the identifier octets at off: a node with its class, tag
// and form, and the offset after them.
func (r *berReader) readTag(off int) (*berNode, int, error) {
	d := r.data
	if off >= len(d) {
		return nil, 0, errBER
	}
	b := d[off]
	off++
	n := &berNode{class: int(b >> 6), compound: b&0x20 != 0, tag: int(b & 0x1f)}
	if n.tag != 0x1f {
		return n, off, nil
	}
	// High tag number form: base-128, at most 4 bytes (no real tag is bigger).
	n.tag = 0
	for i := 0; ; i++ {
		if off >= len(d) || i >= 4 {
			return nil, 0, errBER
		}
		c := d[off]
		off++
		n.tag = n.tag<<7 | int(c&0x7f)
		if c&0x80 == 0 {
			return n, off, nil
		}
	}
}

// readLength reads the length octets at off: the content's length (unless
// indefinite), whether it is indefinite, and the offset of the content. A
// definite length must fit in what is left of the input.
func (r *berReader) readLength(off int) (l int, indefinite bool, next int, err error) {
	d := r.data
	if off >= len(d) {
		return 0, false, 0, errBER
	}
	l = int(d[off])
	off++
	switch {
	case l == 0x80:
		indefinite = true
	case l > 0x80:
		nb := l & 0x7f
		if nb > 4 || off+nb > len(d) {
			return 0, false, 0, errBER
		}
		l = 0
		for i := 0; i < nb; i++ {
			l = l<<8 | int(d[off])
			off++
		}
		if l < 0 {
			return 0, false, 0, errBER
		}
	}
	if !indefinite && l > len(d)-off {
		return 0, false, 0, errBER
	}
	return l, indefinite, off, nil
}

// readChildren reads a compound node's content at off (l bytes, or up to
// its end-of-contents octets when indefinite) into n.children, and returns
// the offset after it.
func (r *berReader) readChildren(n *berNode, off, l int, indefinite bool, depth int) (int, error) {
	d := r.data
	end := len(d)
	if !indefinite {
		end = off + l
	}
	for {
		if indefinite {
			if off+2 <= len(d) && d[off] == 0 && d[off+1] == 0 {
				return off + 2, nil
			}
		} else if off == end {
			return off, nil
		}
		if off >= end {
			return 0, errBER
		}
		c, next, err := r.read(off, depth+1)
		if err != nil {
			return 0, err
		}
		if next > end {
			return 0, errBER
		}
		n.children = append(n.children, c)
		off = next
	}
}

// isStringTag: universal types BER may split into segments (BIT STRING is
// left out: its segments each carry an unused-bits byte, and no credential
// file splits one).
func isStringTag(tag int) bool {
	switch tag {
	case 4, 12, 18, 19, 20, 21, 22, 25, 26, 27, 28, 30:
		return true
	}
	return false
}

func (n *berNode) flatten(buf *[]byte, depth int) bool {
	if depth > maxBERDepth {
		return false
	}
	if !n.compound {
		*buf = append(*buf, n.content...)
		return true
	}
	for _, c := range n.children {
		if c.class != 0 || (c.tag != 4 && c.tag != n.tag) {
			return false
		}
		if !c.flatten(buf, depth+1) {
			return false
		}
	}
	return true
}

func (n *berNode) encode(out *bytes.Buffer) {
	first := byte(n.class << 6)
	if n.compound {
		first |= 0x20
	}
	if n.tag < 0x1f {
		out.WriteByte(first | byte(n.tag))
	} else {
		out.WriteByte(first | 0x1f)
		var tmp [5]byte
		i := len(tmp)
		t := n.tag
		for {
			i--
			tmp[i] = byte(t & 0x7f)
			t >>= 7
			if t == 0 {
				break
			}
		}
		for j := i; j < len(tmp)-1; j++ {
			tmp[j] |= 0x80
		}
		out.Write(tmp[i:])
	}
	if !n.compound {
		writeLength(out, len(n.content))
		out.Write(n.content)
		return
	}
	var inner bytes.Buffer
	for _, c := range n.children {
		c.encode(&inner)
	}
	writeLength(out, inner.Len())
	out.Write(inner.Bytes())
}

func writeLength(out *bytes.Buffer, l int) {
	if l < 0x80 {
		out.WriteByte(byte(l))
		return
	}
	var tmp [8]byte
	i := len(tmp)
	for l > 0 {
		i--
		tmp[i] = byte(l)
		l >>= 8
	}
	out.WriteByte(0x80 | byte(len(tmp)-i))
	out.Write(tmp[i:])
}
