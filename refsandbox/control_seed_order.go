package refsandbox

import (
	"math"
	"net/http"
	"slices"
	"time"
)

// Seeding the order world (control_seed.go). An item of "orders" is an
// order in the shape /shop/order/get answers it (§2.5), at a status the
// sandbox's status machine reaches (refsandbox/README.md, "Order status
// machine"), with the payment, shipments and receipt that status
// implies. It is kept as if order/add, pay, delivery/send and recieve had
// made it, so every call that reads or moves an order takes it as one of
// its own. After-sales are aftersale_seed.go; the typed reading of the
// fields, control_seed_read.go.

// seedableOrderStatuses are the statuses the sandbox's machine reaches;
// 11 (paid at the client cashier) is not one, since no server API drives
// it (refsandbox/README.md).
var seedableOrderStatuses = []int{orderAwaitingPayment, orderAwaitingShipment, orderPartlyShipped, orderAwaitingReceipt,
	orderCompleted, orderTimedOut, orderAftersaleClosed, orderCancelled}

// seedOrder reads one item of "orders". An order the call refuses is
// still filed in the batch, as nil, so that its after-sales are not
// refused a second time for naming it.
func seedOrder(b *seedBatch, it seedItem) {
	r := b.reader(it)
	o := &order{created: b.now, updated: b.now}
	o.id, o.outID, o.openid = r.id("order_id"), r.need("out_order_id"), r.need("openid")
	o.status = int(r.intOr("status", 0))
	d := readOrderFields(r, o, b.now)
	prods := readSeedLines(b, d.order, o)
	if b.orders == nil {
		b.orders, b.orderIDs = map[string]*order{}, map[uint64]*order{}
	}
	checkOrderIDs(b, r, o)
	if r.ok() {
		checkOrderState(b, r, o, d)
	}
	accepted := o
	if !r.ok() {
		accepted = nil
	}
	if _, dup := b.orders[o.outID]; !dup && o.outID != "" {
		b.orders[o.outID] = accepted
	}
	if _, dup := b.orderIDs[o.id]; !dup && o.id != 0 {
		b.orderIDs[o.id] = accepted
	}
	if accepted == nil {
		return
	}
	st := b.acct.order
	b.then(func() {
		if o.id == 0 {
			o.id = st.newID(func(id uint64) bool { _, chosen := b.orderIDs[id]; return chosen })
		}
		// The products this call adds are complete only now.
		for i, p := range prods {
			if p != nil {
				fillSeedLine(&o.fields.lines[i], p.forOrder())
			}
		}
		st.add(o)
	})
}

// seedDelivery is what an order item says of its shipments and receipt,
// beyond the fields it sets directly, and its order_detail, which the
// lines are read from (read once, so that a refusal names it once).
type seedDelivery struct {
	order       seedReader // order_detail, for the lines
	detail      seedReader // order_detail.delivery_detail
	finishGiven bool
	packages    []seedReader
	receiveTime string
}

// readOrderFields reads every field of the item but the lines and the
// ids into o.
func readOrderFields(r seedReader, o *order, now time.Time) seedDelivery {
	f := &o.fields
	f.fundType = r.between("fund_type", 0, 1)
	f.scene = r.intOr("scene", 0)
	f.path = r.str("path")
	f.outUserID = r.str("out_user_id")
	f.expireTime = r.between("expire_time", 0, math.MaxInt64)
	f.aftersaleDuration = r.between("aftersale_duration", 5, 3*365) // order/add's bounds (§6.2 item 7)
	// An order/get answer does not say which generation made the order:
	// only the new flow has fund_type 1 or a payment deadline (§2.5).
	o.newFlow = f.fundType == 1 || f.expireTime > 0
	var created time.Time
	if f.createTime, created = r.datetime("create_time"); f.createTime == "" {
		f.createTime, created = chinaTime(now), now
	}
	f.createdAt = created
	if s, t := r.datetime("update_time"); s != "" {
		o.updated = t
	}
	detail, _ := r.object("order_detail")
	pay, _ := detail.object("pay_info")
	f.pay = payInfo{
		PayMethod: pay.str("pay_method"), PayMethodType: pay.between("pay_method_type", 0, 2),
		PrepayID: pay.str("prepay_id"), TransactionID: pay.str("transaction_id"),
	}
	f.pay.PrepayTime, _ = pay.datetime("prepay_time")
	f.pay.PayTime, _ = pay.datetime("pay_time")
	price, _ := detail.object("price_info")
	f.price = priceInfo{
		OrderPrice: price.intOr("order_price", 0), Freight: price.intOr("freight", 0),
		DiscountedPrice: price.intOr("discounted_price", 0), AdditionalPrice: price.intOr("additional_price", 0),
		AdditionalRemarks: price.str("additional_remarks"),
	}
	f.address = readSeedAddress(r, "address_info")
	f.defaultAddress = readSeedAddress(r, "default_receiving_address")

	d := seedDelivery{order: detail}
	d.detail, _ = detail.object("delivery_detail")
	f.deliveryType = d.detail.needInt("delivery_type", func(n int64) bool { return n >= 1 && n <= 4 },
		"1 express, 2 no shipping, 3 offline delivery or 4 self pickup (as on order/add)")
	d.finishGiven = d.detail.has("finish_all_delivery")
	o.finishAll = int(d.detail.between("finish_all_delivery", 0, 1))
	d.packages = d.detail.objects("delivery_list")
	for _, p := range d.packages {
		o.deliveries = append(o.deliveries, readSeedPackage(p))
	}
	var receive time.Time
	d.receiveTime, receive = r.datetime("receive_time")
	o.receiveTime = receive
	o.deadline = r.between("after_sale_deadline", 0, math.MaxInt64)
	return d
}

// readSeedPackage reads one delivery_list item: order/get's delivery_id
// and waybill_id, and, as delivery/send takes them, the goods it holds
// (product_info_list), which order/get does not show.
func readSeedPackage(p seedReader) shipment {
	s := shipment{DeliveryID: p.need("delivery_id"), WaybillID: p.need("waybill_id")}
	if s.DeliveryID != "" && s.DeliveryID != "OTHERS" && !slices.ContainsFunc(carriers(), func(c carrier) bool { return c.ID == s.DeliveryID }) {
		p.fail(http.StatusBadRequest, "delivery_id", "%q is no carrier of get_company_list, nor OTHERS", s.DeliveryID)
	}
	for _, g := range p.objects("product_info_list") {
		item := shippedItem{outProductID: g.need("out_product_id"), productCnt: max(g.between("product_cnt", 1, math.MaxInt64), 1)}
		if g.has("out_sku_id") {
			sku := g.str("out_sku_id")
			item.outSKUID = &sku
		}
		s.items = append(s.items, item)
	}
	return s
}

// readSeedLines reads order_detail.product_infos into o. A line naming a
// product of the account or of this call gets the product's ids where it
// left them out, as order/add fills them, and the ids it gives must be
// the product's. An old-flow order names uploaded products only (§3.3
// 1010002); a new-flow one also products never uploaded (§2.5). It
// answers the product of each line, or nil.
func readSeedLines(b *seedBatch, detail seedReader, o *order) []*product {
	items := detail.objects("product_infos")
	if len(items) == 0 {
		detail.fail(http.StatusBadRequest, "product_infos", "required: an order has at least one line")
	}
	prods := make([]*product, len(items))
	for i, li := range items {
		l := orderLine{
			ProductID: li.id("product_id"), OutProductID: li.need("out_product_id"),
			SKUID: li.id("sku_id"), OutSKUID: li.str("out_sku_id"),
			ProductCnt: li.intOr("product_cnt", 0), SalePrice: li.between("sale_price", 0, math.MaxInt64),
			RealPrice: li.between("real_price", 0, math.MaxInt64), SKURealPrice: li.between("sku_real_price", 0, math.MaxInt64),
			Title: li.str("title"), Path: li.str("path"), HeadImg: li.str("head_img"),
		}
		if l.ProductCnt < 1 {
			li.fail(http.StatusBadRequest, "product_cnt", "required, at least 1")
		}
		p := b.productForOrder(l.OutProductID)
		switch {
		case p == nil && !o.newFlow && l.OutProductID != "":
			li.fail(http.StatusNotFound, "out_product_id", "no product %q in the account or this call: an old-flow order (no fund_type 1, no expire_time) names uploaded products (§3.3 1010002)", l.OutProductID)
		case p == nil && l.ProductID != 0:
			li.fail(http.StatusNotFound, "product_id", "no product %q in the account or this call has product_id %d", l.OutProductID, l.ProductID)
		case p == nil && l.SKUID != 0:
			li.fail(http.StatusNotFound, "sku_id", "no product %q in the account or this call has sku_id %d", l.OutProductID, l.SKUID)
		case p != nil:
			op := p.forOrder()
			want, hasSKU := op.skus[l.OutSKUID]
			switch {
			case l.ProductID != 0 && op.id != 0 && l.ProductID != op.id:
				li.fail(http.StatusBadRequest, "product_id", "product %q has product_id %d", l.OutProductID, op.id)
			case l.SKUID != 0 && !hasSKU:
				li.fail(http.StatusBadRequest, "sku_id", "product %q has no sku with out_sku_id %q", l.OutProductID, l.OutSKUID)
			case l.SKUID != 0 && want != 0 && l.SKUID != want:
				li.fail(http.StatusBadRequest, "sku_id", "the sku %q of product %q has sku_id %d", l.OutSKUID, l.OutProductID, want)
			}
			if b.products[l.OutProductID] == nil {
				fillSeedLine(&l, op) // a product of this call is complete only once applied
			}
			prods[i] = p
		}
		o.fields.lines = append(o.fields.lines, l)
	}
	return prods
}

// productForOrder is the product an order line names: one this call
// adds, else one of the account that is not deleted (as for order/add).
func (b *seedBatch) productForOrder(outID string) *product {
	if p := b.products[outID]; p != nil {
		return p
	}
	if p := b.acct.product.byOut[outID]; p != nil && !p.deleted {
		return p
	}
	return nil
}

// fillSeedLine completes a line from its product where it left a field
// out, as order/add does.
func fillSeedLine(l *orderLine, op orderProduct) {
	if l.ProductID == 0 {
		l.ProductID = op.id
	}
	if l.SKUID == 0 {
		l.SKUID = op.skus[l.OutSKUID]
	}
	if l.Title == "" {
		l.Title = op.title
	}
	if l.HeadImg == "" {
		l.HeadImg = op.headImg
	}
}

// checkOrderIDs: the ids are new to the account (409) and to this call
// (400), the buyer is a user of the account (404), and the status one the
// machine reaches (400).
func checkOrderIDs(b *seedBatch, r seedReader, o *order) {
	st := b.acct.order
	switch _, dup := b.orders[o.outID]; {
	case st.byOut[o.outID] != nil:
		r.fail(http.StatusConflict, "out_order_id", "the account has an order %q", o.outID)
	case dup:
		r.fail(http.StatusBadRequest, "out_order_id", "an earlier order of this call is %q", o.outID)
	}
	switch _, dup := b.orderIDs[o.id]; {
	case o.id == 0:
	case st.byID[o.id] != nil:
		r.fail(http.StatusConflict, "order_id", "the account has an order %d", o.id)
	case dup:
		r.fail(http.StatusBadRequest, "order_id", "an earlier order of this call is %d", o.id)
	}
	if o.openid != "" && !b.acct.openids[o.openid] {
		r.fail(http.StatusNotFound, "openid", "%q is no user of the account (mint it with the openids it needs)", o.openid)
	}
	_, isInt := asInt(r.obj["status"])
	switch {
	case !r.has("status"):
		r.fail(http.StatusBadRequest, "status", "required")
	case !isInt: // refused as it was read
	case o.status == orderCashierPaid:
		r.fail(http.StatusBadRequest, "status", "11 (paid at the client cashier) is not reachable: no server API drives the cashier (refsandbox/README.md, order status machine)")
	case !slices.Contains(seedableOrderStatuses, o.status):
		r.fail(http.StatusBadRequest, "status", "%d is no order status the sandbox reaches (%v)", o.status, seedableOrderStatuses)
	}
}

// checkOrderState holds the item to what its status implies: the
// payment deadline against the account's clock, the shipments, the goods
// they hold, the receipt and the after-sale deadline (refsandbox/README.md,
// "Control API", orders).
func checkOrderState(b *seedBatch, r seedReader, o *order, d seedDelivery) {
	f := &o.fields
	now := b.now.Unix()
	switch {
	case o.status == orderAwaitingPayment && f.expireTime > 0 && now >= f.expireTime:
		r.fail(http.StatusConflict, "expire_time", "%d is not after the account's clock (%s): the order would read 181; seed 181, a later expire_time or an earlier clock", f.expireTime, chinaTime(b.now))
	case o.status == orderTimedOut && f.expireTime == 0:
		r.fail(http.StatusBadRequest, "expire_time", "required: an order times out (181) at its expire_time")
	case o.status == orderTimedOut && f.expireTime > now:
		r.fail(http.StatusConflict, "expire_time", "%d is after the account's clock (%s): the order still awaits payment (10) until then", f.expireTime, chinaTime(b.now))
	case o.status == orderTimedOut && !r.has("update_time"):
		o.updated = time.Unix(f.expireTime, 0) // when it timed out, as a read finds it
	}

	unshipped := o.in(orderAwaitingPayment, orderTimedOut, orderCancelled, orderAwaitingShipment)
	if !d.finishGiven && (o.in(orderAwaitingReceipt, orderCompleted) || o.status == orderAftersaleClosed && d.receiveTime != "") {
		o.finishAll = 1
	}
	dd := d.detail
	switch {
	case unshipped && len(o.deliveries) > 0:
		dd.fail(http.StatusBadRequest, "delivery_list", "an order in status %d has shipped nothing", o.status)
	case (unshipped || o.status == orderPartlyShipped) && o.finishAll == 1:
		dd.fail(http.StatusBadRequest, "finish_all_delivery", "an order in status %d is not shipped in full: 0", o.status)
	case o.in(orderAwaitingReceipt, orderCompleted) && o.finishAll == 0:
		dd.fail(http.StatusBadRequest, "finish_all_delivery", "an order in status %d was shipped in full: 1", o.status)
	case f.deliveryType == 1 && len(o.deliveries) == 0 && (o.in(orderPartlyShipped, orderAwaitingReceipt, orderCompleted) || o.status == orderAftersaleClosed && o.finishAll == 1):
		dd.fail(http.StatusBadRequest, "delivery_list", "an express order (delivery_type 1) in status %d was shipped with waybills: delivery/send needs delivery_list for it", o.status)
	}
	o.shipped = seedShippedUnits(o, d.packages)

	received := o.status == orderCompleted || o.status == orderAftersaleClosed && o.finishAll == 1
	switch {
	case d.receiveTime != "" && !received:
		r.fail(http.StatusBadRequest, "receive_time", "an order in status %d was not received (100, or 200 after it)", o.status)
	case o.status == orderCompleted && d.receiveTime == "":
		o.receiveTime = b.now
	}
	switch {
	case o.deadline == 0:
	case o.receiveTime.IsZero():
		r.fail(http.StatusBadRequest, "after_sale_deadline", "only a received order's after-sale deadline is extended (aftersale/update_deadline needs 100)")
	case o.deadline <= currentDeadline(o):
		r.fail(http.StatusBadRequest, "after_sale_deadline", "%d does not extend the deadline %d (receipt + aftersale_duration days, 7 when unset)", o.deadline, currentDeadline(o))
	}
}

// seedShippedUnits is the units of each line the packages ship, spread
// over the lines as delivery/send spreads them (delivery.go allot); goods
// in no line or beyond the lines' units are refused. When no package
// lists its goods (order/get does not show them), an order shipped in
// full has shipped every unit, a partly shipped one none that it knows of.
func seedShippedUnits(o *order, packages []seedReader) []int64 {
	units := make([]int64, len(o.fields.lines))
	listed := false
	for i, s := range o.deliveries {
		goods := packages[i].objects("product_info_list")
		for j, item := range s.items {
			listed = true
			named, left := false, item.productCnt
			for k, l := range o.fields.lines {
				if item.matches(l) {
					named = true
					take := min(left, l.ProductCnt-units[k])
					units[k] += take
					left -= take
				}
			}
			switch {
			case !named:
				goods[j].fail(http.StatusBadRequest, "", "names a product or sku in no line of the order")
			case left > 0:
				goods[j].fail(http.StatusBadRequest, "product_cnt", "ships %d more unit(s) than the lines hold", left)
			}
		}
	}
	if !listed && o.finishAll == 1 {
		for k, l := range o.fields.lines {
			units[k] = l.ProductCnt
		}
	}
	return units
}

// readSeedAddress reads an address_info object (§2.5).
func readSeedAddress(r seedReader, key string) addressInfo {
	a, _ := r.object(key)
	return addressInfo{
		ReceiverName: a.str("receiver_name"), DetailedAddress: a.str("detailed_address"), TelNumber: a.str("tel_number"),
		Country: a.str("country"), Province: a.str("province"), City: a.str("city"), Town: a.str("town"),
	}
}
