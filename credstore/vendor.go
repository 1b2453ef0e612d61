package credstore

// Vendor is the software vendor whose setup file a registration was made
// with: who to call about it. Not secret; empty when no setup file was used.
type Vendor struct {
	Name         string `json:"name,omitzero"`
	Product      string `json:"product,omitzero"`
	SupportPhone string `json:"support_phone,omitzero"`
	SupportEmail string `json:"support_email,omitzero"`
	SupportURL   string `json:"support_url,omitzero"`
}

// IsZero reports whether no vendor is recorded.
func (v Vendor) IsZero() bool { return v == Vendor{} }
