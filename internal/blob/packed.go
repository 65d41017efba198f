package blob

// Message files kept compressed (issue 21: a store took more disk than
// Dovecot's Maildir for the same mail). FS writes every new file in this
// layout; a file written before it is read as it is (rawFile).
//
// A packed file is the message cut into frames of packFrame bytes (the
// last one shorter), each compressed on its own with zstd, or kept as it
// is when that saves less than a sixteenth (already compressed
// attachments). Reading at any offset decodes only the frame holding it,
// so FETCH of a part of a large message, or of its header, does not
// decode the whole file. Layout, integers little-endian:
//
//	packMagic                     8 bytes
//	frame 0 .. frame n-1          as stored
//	stored length of each frame   4 bytes each; the top bit marks a frame kept as it is
//	size of the message           8 bytes
//	frame length (packFrame)      4 bytes
//	n                             4 bytes
//	packEnd                       8 bytes
//
// Invariants:
//   - The key of a packed file is the SHA-256 of the message, not of the
//     file: readers, GC, backups and the store cannot tell the layouts
//     apart, and the same message is one file whichever way it arrives.
//   - A file is packed only when it begins with packMagic, ends with
//     packEnd, and its index accounts for its exact length; anything else
//     is an older file, read as it is. A packed file that does not decode
//     is an error, never read as raw bytes.
//   - Each zstd frame carries its checksum: a damaged frame fails to read.

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"

	"github.com/klauspost/compress/zstd"
)

const (
	packMagic = "\x89PRZ\r\n\x1a\n"
	packEnd   = "\x1a\nZRP\x89\r\n"
	// packFrame is the message bytes per frame: a 200 KB message is one
	// frame, and a reader holds at most one decoded frame.
	packFrame   = 256 << 10
	packRawBit  = 1 << 31
	packTrailer = 8 + 4 + 4 + 8 // size, frame length, n, packEnd
)

// errPacked is wrapped in the errors of a packed file that does not decode.
var errPacked = errors.New("damaged compressed message file")

// packCodec is made on first use. EncodeAll and DecodeAll may be called
// concurrently; the decoder refuses to make more than a frame.
var packCodec = sync.OnceValues(func() (*zstd.Encoder, *zstd.Decoder) {
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest),
		zstd.WithEncoderConcurrency(runtime.GOMAXPROCS(0)), zstd.WithWindowSize(packFrame))
	if err != nil {
		panic(fmt.Sprintf("zstd encoder: %v", err)) // only for options that are invalid
	}
	dec, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(0), zstd.WithDecoderLowmem(true),
		zstd.WithDecoderMaxMemory(packFrame), zstd.WithDecoderMaxWindow(packFrame))
	if err != nil {
		panic(fmt.Sprintf("zstd decoder: %v", err))
	}
	return enc, dec
})

// framePool holds buffers of packFrame bytes (a frame, or its compressed
// form, which zstd may make a little larger than the frame: the capacity
// has room for that), always given back at that length.
var framePool = sync.Pool{New: func() any { b := make([]byte, packFrame, packFrame+4<<10); return &b }}

// packWriter writes a packed file to w: each frame in one write, with the
// magic before the first and the index after the last (issue 21: each
// write is a system call, and most messages are one frame).
type packWriter struct {
	w      io.Writer
	head   bool   // the magic is written
	lens   []byte // the index, as it is written at the end
	frames uint32
	size   int64
	done   bool      // the index is written
	spare  []*[]byte // buffers of written frames, for the next ones
}

// compressFrame appends frame b to dst as it is stored: compressed with
// zstd, or as it is when that saves less than a sixteenth. It returns
// what it appended and its index entry. Frames may be compressed in any
// order, concurrently.
func compressFrame(dst, b []byte) ([]byte, uint32) {
	enc, _ := packCodec()
	at := len(dst)
	out := enc.EncodeAll(b, dst)
	if len(out)-at > len(b)-len(b)/16 {
		return append(out[:at], b...), uint32(len(b)) | packRawBit
	}
	return out, uint32(len(out) - at)
}

// frame writes the next frame, of plain message bytes: out is what
// compressFrame appended to len(packMagic) bytes left for the magic, n
// its index entry; last writes the index with it.
func (p *packWriter) frame(out []byte, n uint32, plain int, last bool) error {
	if p.head {
		out = out[len(packMagic):]
	} else {
		copy(out, packMagic)
		p.head = true
	}
	p.lens = binary.LittleEndian.AppendUint32(p.lens, n)
	p.frames++
	p.size += int64(plain)
	if last {
		out = p.index(out)
	}
	_, err := p.w.Write(out)
	return err
}

// index appends the index and trailer to b.
func (p *packWriter) index(b []byte) []byte {
	p.done = true
	b = append(b, p.lens...)
	b = binary.LittleEndian.AppendUint64(b, uint64(p.size))
	b = binary.LittleEndian.AppendUint32(b, packFrame)
	b = binary.LittleEndian.AppendUint32(b, p.frames)
	return append(b, packEnd...)
}

// finish writes what the frames did not: the index (and the magic of an
// empty message).
func (p *packWriter) finish() error {
	if p.done {
		return nil
	}
	var b []byte
	if !p.head {
		b = []byte(packMagic)
	}
	_, err := p.w.Write(p.index(b))
	return err
}

// packAhead is how many frames of one message are compressed at once:
// a message of several frames (over 256 KiB) is compressed on every
// processor there is, up to four, while the client waits for the file
// (issue 21: compressing was the longest step of a 2 MB APPEND).
var packAhead = min(runtime.GOMAXPROCS(0), 4)

// packJob is a frame on its way: read, then hashed and compressed
// beside the frames before and after it, then written in its turn.
type packJob struct {
	in, out    *[]byte // from framePool
	plain      int
	stored     []byte
	n          uint32
	compressed chan struct{}
	hashed     chan struct{} // closed once this frame and every one before it are hashed
}

// writePacked copies r into w as a packed file and returns the message's
// size; every byte read is also written to h (the key's hash), in order.
// Each frame is hashed and compressed on other processors while the
// next ones are read (packAhead); the frames are written in order.
func writePacked(w io.Writer, h io.Writer, r io.Reader) (int64, error) {
	pw := &packWriter{w: w}
	var ahead []*packJob
	hashed := make(chan struct{}) // the last frame's: closed once all read so far are hashed
	close(hashed)
	// Every frame started is waited for, whatever happens: its
	// goroutines use the buffers, and h.
	defer func() {
		<-hashed
		for _, j := range ahead {
			<-j.compressed
			pw.keep(j)
		}
		for _, b := range pw.spare {
			framePool.Put(b)
		}
	}()
	for {
		j := &packJob{in: pw.buffer(), out: pw.buffer(), compressed: make(chan struct{}), hashed: make(chan struct{})}
		n, rerr := io.ReadFull(r, *j.in)
		end := rerr == io.EOF || rerr == io.ErrUnexpectedEOF
		if n == 0 || rerr != nil && !end {
			pw.keep(j)
			if !end {
				return 0, rerr
			}
			break
		}
		j.plain = n
		chunk := (*j.in)[:n]
		go func(before chan struct{}) {
			<-before
			h.Write(chunk)
			close(j.hashed)
		}(hashed)
		hashed = j.hashed
		go func() {
			j.stored, j.n = compressFrame((*j.out)[:len(packMagic)], chunk)
			close(j.compressed)
		}()
		ahead = append(ahead, j)
		if end {
			break
		}
		if len(ahead) == packAhead {
			if err := pw.next(&ahead, false); err != nil {
				return 0, err
			}
		}
	}
	for len(ahead) > 0 {
		if err := pw.next(&ahead, len(ahead) == 1); err != nil {
			return 0, err
		}
	}
	<-hashed
	return pw.size, pw.finish()
}

// next writes the first of the frames ahead once it is hashed and
// compressed; last: it ends the message.
func (p *packWriter) next(ahead *[]*packJob, last bool) error {
	j := (*ahead)[0]
	<-j.compressed
	<-j.hashed
	*ahead = (*ahead)[1:]
	defer p.keep(j)
	return p.frame(j.stored, j.n, j.plain, last)
}

// buffer returns a frame's buffer: one a written frame left, else the
// pool's. A message's frames use the same few buffers over and over: had
// each frame its own from the pool, the collections a large message
// causes would empty the pool under it, and a 16 MiB delivery allocated
// 11 MiB (deliver's memory test).
func (p *packWriter) buffer() *[]byte {
	if n := len(p.spare); n > 0 {
		b := p.spare[n-1]
		p.spare = p.spare[:n-1]
		return b
	}
	return framePool.Get().(*[]byte)
}

// keep takes back the buffers of a job that is done with them.
func (p *packWriter) keep(j *packJob) {
	p.spare = append(p.spare, j.in, j.out)
}

// openFile returns f as a message reader: packed when it is one, else f
// itself. It takes f over (closes it on error).
func openFile(f *os.File) (io.ReadSeekCloser, error) {
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	p, err := readPacked(f, info.Size())
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", f.Name(), err)
	}
	if p == nil {
		return f, nil
	}
	p.c = f
	return p, nil
}

// packedReader reads the message of a packed file. Read, Seek and ReadAt
// may be used together, from one goroutine or several.
type packedReader struct {
	r      io.ReaderAt
	c      io.Closer
	size   int64
	starts []int64 // where frame i begins in the file; starts[n] ends the last
	raw    []bool  // frame i is kept as it is
	mu     sync.Mutex
	pos    int64   // of Read and Seek
	cur    int     // the frame in buf, -1 for none
	buf    *[]byte // decoded frame cur
}

var (
	_ io.ReadSeekCloser = (*packedReader)(nil)
	_ io.ReaderAt       = (*packedReader)(nil)
)

// readPacked reads the index of the packed file r of length n; nil when
// the file is not packed (see the invariants).
func readPacked(r io.ReaderAt, n int64) (*packedReader, error) {
	if n < int64(len(packMagic)+packTrailer) {
		return nil, nil
	}
	var head [len(packMagic)]byte
	var tail [packTrailer]byte
	if _, err := r.ReadAt(head[:], 0); err != nil {
		return nil, err
	}
	if _, err := r.ReadAt(tail[:], n-packTrailer); err != nil {
		return nil, err
	}
	if string(head[:]) != packMagic || string(tail[16:]) != packEnd {
		return nil, nil
	}
	size := int64(binary.LittleEndian.Uint64(tail[0:]))
	frame := int64(binary.LittleEndian.Uint32(tail[8:]))
	frames := int64(binary.LittleEndian.Uint32(tail[12:]))
	indexAt := n - packTrailer - 4*frames
	if frame != packFrame || size < 0 || indexAt < int64(len(packMagic)) || (size+frame-1)/frame != frames {
		return nil, fmt.Errorf("%w: its index does not fit its length", errPacked)
	}
	index := make([]byte, 4*frames)
	if _, err := r.ReadAt(index, indexAt); err != nil {
		return nil, err
	}
	p := &packedReader{r: r, size: size, starts: make([]int64, frames+1), raw: make([]bool, frames), cur: -1}
	at := int64(len(packMagic))
	for i := range frames {
		v := binary.LittleEndian.Uint32(index[4*i:])
		stored := int64(v &^ packRawBit)
		p.raw[i] = v&packRawBit != 0
		plain := min(frame, size-i*frame)
		if p.raw[i] && stored != plain || stored > plain {
			return nil, fmt.Errorf("%w: frame %d", errPacked, i)
		}
		p.starts[i] = at
		at += stored
	}
	p.starts[frames] = at
	if at != indexAt {
		return nil, fmt.Errorf("%w: its frames do not fill it", errPacked)
	}
	return p, nil
}

// load decodes frame i into p.buf. p.mu is held. A reader holds one
// decoded frame, from the pool when it is a whole one, else of its own
// size: a small message does not hold a frame's worth of memory.
func (p *packedReader) load(i int) error {
	if i == p.cur {
		return nil
	}
	p.cur = -1
	plain := p.plain(i)
	if p.buf == nil || cap(*p.buf) < plain {
		if plain == packFrame {
			p.buf = framePool.Get().(*[]byte)
		} else {
			b := make([]byte, plain)
			p.buf = &b
		}
	}
	stored := int(p.starts[i+1] - p.starts[i])
	if p.raw[i] {
		if _, err := p.r.ReadAt((*p.buf)[:stored], p.starts[i]); err != nil {
			return noEOF(err)
		}
		p.cur = i
		return nil
	}
	zbuf := framePool.Get().(*[]byte)
	defer framePool.Put(zbuf)
	z := (*zbuf)[:stored]
	if _, err := p.r.ReadAt(z, p.starts[i]); err != nil {
		return noEOF(err)
	}
	_, dec := packCodec()
	// the frame's size bounds the output: a frame that would decode to
	// more is refused by the decoder, or found here
	out, err := dec.DecodeAll(z, (*p.buf)[:0])
	if err != nil || len(out) != plain {
		return fmt.Errorf("%w: frame %d: %v", errPacked, i, err)
	}
	p.cur = i
	return nil
}

// plain is the length of frame i's message bytes.
func (p *packedReader) plain(i int) int {
	return int(min(int64(packFrame), p.size-int64(i)*packFrame))
}

// noEOF: a file shorter than its index says is damaged, not at its end.
func noEOF(err error) error {
	if err == io.EOF {
		return fmt.Errorf("%w: cut short", errPacked)
	}
	return err
}

// readAt copies from offset off on into b, as far as one frame goes. p.mu
// is held.
func (p *packedReader) readAt(b []byte, off int64) (int, error) {
	if off >= p.size {
		return 0, io.EOF
	}
	i := int(off / packFrame)
	if err := p.load(i); err != nil {
		return 0, err
	}
	return copy(b, (*p.buf)[off-int64(i)*packFrame:p.plain(i)]), nil
}

func (p *packedReader) Read(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(b) == 0 {
		return 0, nil
	}
	n, err := p.readAt(b, p.pos)
	p.pos += int64(n)
	return n, err
}

func (p *packedReader) ReadAt(b []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("blob: negative offset")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for n < len(b) {
		m, err := p.readAt(b[n:], off+int64(n))
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

func (p *packedReader) Seek(offset int64, whence int) (int64, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	pos, err := SeekPosition(p.pos, p.size, offset, whence)
	if err != nil {
		return 0, err
	}
	p.pos = pos
	return pos, nil
}

// SeekPosition is the position io.Seeker's Seek(offset, whence) moves a
// reader of a blob of size bytes to from cur (for the backends' readers
// that are not files).
func SeekPosition(cur, size, offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += cur
	case io.SeekEnd:
		offset += size
	default:
		return 0, errors.New("blob seek: invalid whence")
	}
	if offset < 0 {
		return 0, errors.New("blob seek: negative position")
	}
	return offset, nil
}

// Close closes the file and gives the frame buffers back.
func (p *packedReader) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.buf != nil && len(*p.buf) == packFrame {
		framePool.Put(p.buf)
	}
	p.buf, p.cur = nil, -1
	if p.c == nil {
		return nil
	}
	c := p.c
	p.c = nil
	return c.Close()
}
