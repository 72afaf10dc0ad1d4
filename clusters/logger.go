package clusters

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	kindlog "sigs.k8s.io/kind/pkg/log"
)

// kindLogger passes kind's log lines to a slog.Logger: kind's V(0) becomes Info, V(1) and up Debug.
type kindLogger struct{ l *slog.Logger }

func (k kindLogger) Warn(msg string)                   { k.l.Warn(msg, "from", "kind") }
func (k kindLogger) Warnf(format string, args ...any)  { k.Warn(fmt.Sprintf(format, args...)) }
func (k kindLogger) Error(msg string)                  { k.l.Error(msg, "from", "kind") }
func (k kindLogger) Errorf(format string, args ...any) { k.Error(fmt.Sprintf(format, args...)) }
func (k kindLogger) V(level kindlog.Level) kindlog.InfoLogger {
	if level <= 0 {
		return kindInfo{k.l, slog.LevelInfo}
	}
	return kindInfo{k.l, slog.LevelDebug}
}

type kindInfo struct {
	l     *slog.Logger
	level slog.Level
}

func (i kindInfo) Info(msg string) {
	i.l.Log(context.Background(), i.level, clean(msg), "from", "kind")
}
func (i kindInfo) Infof(format string, args ...any) { i.Info(fmt.Sprintf(format, args...)) }
func (i kindInfo) Enabled() bool                    { return i.l.Enabled(context.Background(), i.level) }

// clean drops the line ends and padding kind writes for its terminal status lines.
func clean(msg string) string { return strings.TrimSpace(msg) }
