package services

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Health answers whether Kohorte can serve requests.
type Health struct {
	db *gorm.DB
}

// Ready reports whether the database answers a trivial query within 2 s.
func (h *Health) Ready(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	var one int
	if err := h.db.WithContext(ctx).Raw("SELECT 1").Scan(&one).Error; err != nil || one != 1 {
		return fmt.Errorf("%w: database does not answer", ErrUnavailable)
	}
	return nil
}
