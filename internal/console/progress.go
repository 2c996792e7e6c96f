package console

import (
	"fmt"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/pypi-publish/pypi-publish/dist"
	"github.com/pypi-publish/pypi-publish/upload"
)

// Progress shows uploads as they go. On a terminal it draws a byte
// progress bar: one per file while files go one at a time, and one for
// all the bytes while several go at once (progressbar draws one bar; two
// would overwrite each other). In CI logs, where a redrawn bar is noise,
// it prints a line when a file starts and one when it ends.
type Progress struct {
	u       *UI
	files   []*dist.File
	mu      sync.Mutex
	started []time.Time
	sent    []int64
	bar     *progressbar.ProgressBar
	shared  bool // bar counts every file after the first
}

func NewProgress(u *UI, files []*dist.File) *Progress {
	return &Progress{u: u, files: files, started: make([]time.Time, len(files)), sent: make([]int64, len(files))}
}

func (p *Progress) Start(i int, concurrent bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f := p.files[i]
	p.started[i] = time.Now()
	if !p.u.TTY {
		p.u.Printf("Uploading %s (%s)", f.Filename, Bytes(f.Size))
		return
	}
	switch {
	case concurrent && p.bar == nil:
		var total int64
		for _, g := range p.files[1:] {
			total += g.Size
		}
		p.bar, p.shared = p.newBar(total, fmt.Sprintf("%d files", len(p.files)-1)), true
	case !concurrent:
		p.bar, p.shared = p.newBar(f.Size, f.Filename), false
	}
}

func (p *Progress) newBar(size int64, desc string) *progressbar.ProgressBar {
	return progressbar.NewOptions64(size,
		progressbar.OptionSetWriter(p.u.err),
		progressbar.OptionSetDescription(p.u.Clean(desc)),
		progressbar.OptionShowBytes(true),
		progressbar.OptionShowTotalBytes(true),
		progressbar.OptionUseIECUnits(true),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
}

func (p *Progress) Set(i int, n int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.sent[i] = n
	if p.bar == nil {
		return
	}
	if !p.shared {
		p.bar.Set64(n)
		return
	}
	var total int64
	for _, s := range p.sent[1:] {
		total += s
	}
	p.bar.Set64(total)
}

func (p *Progress) Finish(i int, res upload.Result, err error) {
	p.mu.Lock()
	f := p.files[i]
	p.sent[i] = f.Size
	if p.bar != nil {
		if p.shared {
			p.bar.Clear()
		} else {
			p.bar.Finish()
			p.bar = nil
		}
	}
	elapsed := time.Since(p.started[i])
	p.mu.Unlock()
	switch {
	case err != nil:
		p.u.Printf("Failed    %s after %s", f.Filename, elapsed.Round(time.Millisecond))
	case res.Outcome == upload.Skipped:
		p.u.Printf("Skipped   %s: %s", f.Filename, res.Note)
	default:
		rate := float64(f.Size) / elapsed.Seconds()
		note := ""
		if res.Attempts > 1 {
			note = fmt.Sprintf(", %d attempts", res.Attempts)
		}
		if res.Note != "" {
			note += "; " + res.Note
		}
		p.u.Printf("Uploaded  %s: %s in %s (%s/s%s)", f.Filename, Bytes(f.Size), elapsed.Round(time.Millisecond), Bytes(int64(rate)), note)
	}
}

func (p *Progress) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		p.bar.Finish()
		p.bar = nil
	}
}
