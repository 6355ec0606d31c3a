package refsandbox

import (
	"slices"
	"time"

	"github.com/shopconform/shopconform/apispec/validate"
	"github.com/shopconform/shopconform/catalog"
)

// Order domain (api-reference §2.5 orders and scene check, §3.3 codes
// 1000000, 1010xxx, 1030xxx). Delivery and after-sale, which share the
// order domain's suite, profile and code table, have their own files.
//
// The spec (apispec/data/order.json, delivery.json) checks every field
// before a handler runs; the handlers apply the state. This file holds
// the state, the status machine, the id pair and the sentinels of the
// state rules; order_add.go and order_add_parse.go hold both generations
// of order/add and the spec's named checks, order_pay.go pay, close,
// get, getpaymentparams and scene/check, order_list.go the three lists,
// order_view.go what order/get answers, delivery.go the shipments.

// Order status values (§2.5 "Order status values seen in docs").
const (
	orderAwaitingPayment  = 10
	orderCashierPaid      = 11 // fund_type 1 paid at the client cashier: no server API drives it
	orderAwaitingShipment = 20
	orderPartlyShipped    = 21
	orderAwaitingReceipt  = 30
	orderCompleted        = 100
	orderTimedOut         = 181 // read, not written: see expire
	orderAftersaleClosed  = 200 // every line fully refunded by after-sales
	orderCancelled        = 250
)

// firstOrderID is above 2^53, like product ids, so that a client holding
// ids in a float64 breaks visibly (§1, §7: keep 64-bit ids exact).
const firstOrderID uint64 = 1<<53 + 1

// orderProfile is the order domain's fixed account state (Profile.Order,
// JSON "order"); delivery and after-sale state are seeded from it too.
// No order knob exists yet: every rule is reachable by requests.
type orderProfile struct{}

// orderState is one account's orders; guarded by account.mu.
type orderState struct {
	byID   map[uint64]*order
	byOut  map[string]*order
	list   []*order // creation order
	nextID uint64
}

func newOrderState(orderProfile) *orderState {
	return &orderState{byID: map[uint64]*order{}, byOut: map[string]*order{}, nextID: firstOrderID}
}

// order is one order of either generation.
type order struct {
	id      uint64
	outID   string
	openid  string
	newFlow bool // created with fund_type (DOC add_order_new); else the old ticket flow
	fields  orderFields
	status  int
	created time.Time // server clock
	updated time.Time

	deliveries  []shipment
	shipped     []int64 // units shipped per line, by delivery/send
	finishAll   int
	receiveTime time.Time
	deadline    int64 // aftersale/update_deadline, unix seconds; 0 unset
}

// orderFields is what order/add carries and the old flow may rewrite.
type orderFields struct {
	fundType          int64
	scene             int64
	path              string
	outUserID         string
	createTime        string    // as sent (§1 "yyyy-MM-dd HH:mm:ss")
	createdAt         time.Time // create_time read in China time, else the server clock: get_list filters on it
	expireTime        int64     // unix seconds, 0 none
	aftersaleDuration int64
	deliveryType      int64
	lines             []orderLine
	pay               payInfo
	price             priceInfo
	address           addressInfo
	defaultAddress    addressInfo
}

// orderLine is one product_infos[] item, in the shape order/get shows it.
type orderLine struct {
	ProductID    uint64 `json:"product_id"`
	OutProductID string `json:"out_product_id"`
	SKUID        uint64 `json:"sku_id"`
	OutSKUID     string `json:"out_sku_id"`
	ProductCnt   int64  `json:"product_cnt"`
	SalePrice    int64  `json:"sale_price"`
	RealPrice    int64  `json:"real_price"`
	SKURealPrice int64  `json:"sku_real_price"`
	Title        string `json:"title"`
	Path         string `json:"path"`
	HeadImg      string `json:"head_img"`
}

type payInfo struct {
	PayMethod     string `json:"pay_method"`
	PayMethodType int64  `json:"pay_method_type"`
	PrepayID      string `json:"prepay_id"`
	PrepayTime    string `json:"prepay_time"`
	TransactionID string `json:"transaction_id"`
	PayTime       string `json:"pay_time"`
}

type priceInfo struct {
	OrderPrice        int64  `json:"order_price"`
	Freight           int64  `json:"freight"`
	DiscountedPrice   int64  `json:"discounted_price"`
	AdditionalPrice   int64  `json:"additional_price"`
	AdditionalRemarks string `json:"additional_remarks"`
}

type addressInfo struct {
	ReceiverName    string `json:"receiver_name"`
	DetailedAddress string `json:"detailed_address"`
	TelNumber       string `json:"tel_number"`
	Country         string `json:"country"`
	Province        string `json:"province"`
	City            string `json:"city"`
	Town            string `json:"town"`
}

func (st *orderState) create(openid string, newFlow bool, f orderFields, now time.Time, outID string) *order {
	o := &order{id: st.newID(nil), outID: outID, openid: openid, newFlow: newFlow, fields: f,
		status: orderAwaitingPayment, created: now, updated: now}
	st.add(o)
	return o
}

// newID mints an order id: the next one that no order holds and that
// reserved (the ids a seed call is adding, or nil) does not name, so
// minted ids never collide with the ones seeds chose.
func (st *orderState) newID(reserved func(uint64) bool) uint64 {
	for {
		id := st.nextID
		st.nextID++
		if st.byID[id] == nil && (reserved == nil || !reserved(id)) {
			return id
		}
	}
}

// add files o under its ids and at the end of the list.
func (st *orderState) add(o *order) {
	st.byID[o.id] = o
	st.byOut[o.outID] = o
	st.list = append(st.list, o)
}

// expire applies the timed-out cancel on read: an order still awaiting
// payment at its expire_time is 181 from then on (§2.5 expire_time
// "drives status 181"). No timer runs: every lookup calls it.
func (o *order) expire(now time.Time) {
	if o.status == orderAwaitingPayment && o.fields.expireTime > 0 && now.Unix() >= o.fields.expireTime {
		o.status = orderTimedOut
		o.updated = time.Unix(o.fields.expireTime, 0)
	}
}

// set moves the order to status s.
func (o *order) set(s int, now time.Time) {
	o.status = s
	o.updated = now
}

// in reports whether the order's status is one of ss.
func (o *order) in(ss ...int) bool { return slices.Contains(ss, o.status) }

// Sentinels of the order world's state rules (orders, delivery,
// after-sale, ticket), each naming its §3.3 code; the field codes
// (1010003–1010005, 1010009, 1010014, 1010018, 1010020–1010026, 1030001)
// are the spec's (apispec/data/order.json, delivery.json).
var (
	errStatusFlow                 = codeErr(catalog.OrderStatusFlowError, "order status does not allow this")                  // 1000000 D (§6.2 item 1: not 100000)
	errOrderIDMissing             = codeErr(catalog.OrderIDMissing, "order id missing")                                        // 1010001 D
	errOrderProductNotFound       = codeErr(catalog.OrderProductNotFound, "product not found")                                 // 1010002 D text
	errOrderUpdateFailed          = codeErr(catalog.OrderUpdateFailed, "order update failed")                                  // 1010006 I (NS: magic value, old-flow re-add)
	errTransactionIDInvalid       = codeErr(catalog.OrderTransactionIDInvalid, "transaction_id invalid")                       // 1010007 D text / I
	errOrderProductNotListed      = codeErr(catalog.OrderProductNotListed, "product not listed")                               // 1010008 D
	errOrderNotFound              = codeErr(catalog.OrderNotFound, "order not found")                                          // 1010011 D
	errOrderExists                = codeErr(catalog.OrderAlreadyExists, "order exists")                                        // 1010012 I
	errUnreviewedInfoMissing      = codeErr(catalog.OrderUnreviewedProductInfoMissing, "unreviewed product lacks information") // 1010015 D
	errDeliveryProductNotInOrder  = codeErr(catalog.OrderDeliveryProductNotInOrder, "shipped product not in the order")        // 1010019 D text
	errNotPendingPayment          = codeErr(catalog.OrderNotPendingPayment, "order not awaiting payment")                      // 1010027 I
	errAftersaleExists            = codeErr(catalog.AfterSaleAlreadyExists, "after-sale exists")                               // 1020002 D text / I
	errAftersaleNotFound          = codeErr(catalog.AfterSaleNotFound, "after-sale not found")                                 // 1020003 I
	errAftersaleProductNotInOrder = codeErr(catalog.AfterSaleProductNotInOrder, "after-sale product not in the order")         // 1020004 D
	errAftersaleProductMissing    = codeErr(catalog.AfterSaleProductMissing, "after-sale product missing")                     // 1020005 D text
	errTicketFailed               = codeErr(catalog.TicketFetchFailed, "ticket failed")                                        // 1030002 I (NS: magic value)
)

// magicOrderExpired, as order/add's out_user_id, stands for the passage
// of time (§3 NS "time effects"): expire_time may be no earlier than now +
// 15 min, so no case could otherwise see an order time out (181). The
// order is created with its deadline reached (refsandbox/README.md,
// orders).
const magicOrderExpired = "SHOPCONFORM_MAGIC_ORDER_EXPIRED"

// firstErr runs checks in order and returns the first failure: the order
// of the arguments is the endpoint's documented order of checks.
func firstErr(checks ...func() error) error {
	for _, c := range checks {
		if err := c(); err != nil {
			return err
		}
	}
	return nil
}

// readOrderRef reads the id pair. On the order and delivery endpoints the
// spec's one_of rule has refused a body with neither id (§3.3 1010001);
// the after-sale endpoints that lack the rule get the same code here.
func readOrderRef(body map[string]any) (idPair, error) {
	return readIDPair(body, "order_id", "out_order_id", failf(errOrderIDMissing, "send order_id or out_order_id"))
}

// resolve is the existence check (§3.3 1010011, D): unknown ids, two ids
// naming different orders, and "right id with another user's openid"
// are all "order does not exist". It applies the 181 timeout first.
func (st *orderState) resolve(ref idPair, openid string, now time.Time) (*order, error) {
	if ref.badID != nil {
		return nil, failf(errOrderNotFound, "order_id %v is not a uint64", ref.badID)
	}
	var o *order
	if ref.hasID {
		o = st.byID[ref.id]
	}
	if ref.outID != "" {
		q := st.byOut[ref.outID]
		if ref.hasID && o != q {
			return nil, failf(errOrderNotFound, "order_id and out_order_id name different orders")
		}
		o = q
	}
	switch {
	case o == nil:
		return nil, failf(errOrderNotFound, "no such order")
	case o.openid != openid:
		return nil, failf(errOrderNotFound, "the order belongs to another user")
	}
	o.expire(now)
	return o, nil
}

// find is readOrderRef then resolve with the body's openid.
func (st *orderState) find(body map[string]any, now time.Time) (*order, error) {
	ref, err := readOrderRef(body)
	if err != nil {
		return nil, err
	}
	return st.resolve(ref, bodyOpenID(body), now)
}

// bodyOpenID is the caller's openid; the route's openid rule has already
// refused a missing or malformed one.
func bodyOpenID(body map[string]any) string {
	s, _ := body["openid"].(string)
	return s
}

// orderChecks are this domain's named rules of the spec (rule "check"
// in apispec/data/order.json); order_add_parse.go holds them.
var orderChecks = map[string]validate.Check{
	"line_paths":     checkLinePaths,
	"amounts":        checkAmounts,
	"presale":        checkPresale,
	"out_order_id":   checkOutOrderID,
	"transaction_id": checkTransactionID,
}
