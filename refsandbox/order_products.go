package refsandbox

// What the order world reads from the product world (§2.5: old-flow lines
// must name uploaded, listed products; new-flow lines may name products
// that were never uploaded). Read-only: orders never change a product.

// orderProduct is a product as an order line sees it.
type orderProduct struct {
	id      uint64
	status  int               // statusListed (5) is what the old flow needs (§3.3 1010008)
	title   string            // of the online copy, else the draft
	headImg string            // its first head_img
	skus    map[string]uint64 // sku_id by out_sku_id
}

// forOrder looks a product up by out_product_id; a deleted product does
// not exist for orders either (§3.3 1010002 "never uploaded").
func (st *productState) forOrder(outID string) (orderProduct, bool) {
	p := st.byOut[outID]
	if p == nil || p.deleted {
		return orderProduct{}, false
	}
	return p.forOrder(), true
}

// forOrder is the product as an order line sees it.
func (p *product) forOrder() orderProduct {
	d := &p.draft
	if p.online != nil {
		d = p.online
	}
	op := orderProduct{id: p.id, status: p.status, title: d.Title, skus: map[string]uint64{}}
	if len(d.HeadImg) > 0 {
		op.headImg = d.HeadImg[0]
	}
	for _, s := range d.SKUs {
		op.skus[s.OutSKUID] = s.SKUID
	}
	return op
}

// fill completes a line from the product it names: ids always, title and
// head_img where the line left them out.
func (op orderProduct) fill(l *orderLine) {
	l.ProductID = op.id
	l.SKUID = op.skus[l.OutSKUID]
	if l.Title == "" {
		l.Title = op.title
	}
	if l.HeadImg == "" {
		l.HeadImg = op.headImg
	}
}
