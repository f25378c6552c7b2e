package gateway

import (
	"sync"
	"time"
)

// Bounds of the search cache: answers older than staleKeep are dropped
// (until then an answer past the cache time still serves when the API
// cannot answer), and the answers held never take more than
// maxCacheBytes (the oldest go first).
const (
	staleKeep     = 10 * time.Minute
	maxCacheBytes = 64 << 20
)

// answerCache holds answers once, as the bytes an agent is sent, by key:
// every agent who asks within the cache time gets the same bytes, and
// nothing is decoded or copied to serve them.
type answerCache struct {
	mu      sync.Mutex
	entries map[string]answer
	size    int // bytes of the bodies held
}

func newAnswerCache() *answerCache { return &answerCache{entries: map[string]answer{}} }

// get is the answer held for key, and its age.
func (c *answerCache) get(key string, now time.Time) (answer, time.Duration, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	a, ok := c.entries[key]
	return a, now.Sub(a.at), ok
}

// put holds a for key, dropping what aged out and, past maxCacheBytes, the
// oldest answers.
func (c *answerCache) put(key string, a answer, now time.Time) {
	if len(a.body) > maxCacheBytes {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.drop(key)
	for k, old := range c.entries {
		if now.Sub(old.at) >= staleKeep {
			c.drop(k)
		}
	}
	for c.size+len(a.body) > maxCacheBytes {
		oldest := ""
		for k, old := range c.entries {
			if oldest == "" || old.at.Before(c.entries[oldest].at) {
				oldest = k
			}
		}
		c.drop(oldest)
	}
	c.entries[key] = a
	c.size += len(a.body)
}

func (c *answerCache) drop(key string) {
	if old, ok := c.entries[key]; ok {
		c.size -= len(old.body)
		delete(c.entries, key)
	}
}
