# Messages of the services and the API: errors, refusals, field errors.

## Not found, by thing.
svc-not-found-ticket = 找不到救援单
svc-not-found-plan = 找不到方案
svc-not-found-part = 找不到配件
svc-not-found-sourcing-order = 找不到寻源单
svc-not-found-message = 找不到消息
svc-not-found-user = 找不到用户
svc-not-found-user-login = 找不到用户 { $login }
svc-not-found-technician = 找不到技师
svc-not-found-vehicle = 找不到车辆
svc-not-found-import-kind = 找不到导入类型（parts、stock、history）
svc-method-not-allowed = 此接口不支持 { $method } 方法（可用：{ $allowed }）
svc-not-found-endpoint = 找不到接口
svc-not-found-page = 找不到页面
svc-not-found-record = 找不到记录

## Access and the server.
svc-unauthenticated = 请先登录
svc-forbidden-step = 您的角色无权执行此步骤（{ $action }）
svc-forbidden = 您的角色无权执行此操作：{ $action }
svc-internal = 服务器内部错误，请稍后重试
svc-database-unavailable = 数据库暂时不可用
svc-bench-no-data = 没有数据：请先载入演示数据（rescuedesk demo 或 bench --scale）
svc-demo-not-empty = 数据库中已有数据：seed 只载入空数据库
svc-secret-exists = 密钥已存在

## Sourcing orders.
svc-sourcing-kind-invalid = 应为 sister_transfer 或 manufacturer
svc-shipping-mode-invalid = 应为 drive、road、express 或 air
svc-destination-invalid = 应为 dealer 或 site
svc-order-invalid-transition = 寻源单“{ $status }”时不能执行此操作
svc-order-no-review-needed = 只有监控件需要审核
svc-order-held = 现场故障与方案不符，此寻源单已暂停，待新方案决定是否还需要；暂不能下单或发货
svc-order-stale = 寻源单刚被他人处理过，请刷新
svc-sourcing-kind-and-mode = 指定方案时须同时给出来源类型和运输方式
svc-sourcing-plan-not-approved = 方案经服务总监批准后才能调货或订货
svc-sourcing-part-not-in-plan = 此配件不在当前方案中
svc-sourcing-part-covered = { $name }（{ $part_no }）已备齐或已在途，无需再寻源
svc-sourcing-quantity-range = 数量应为 1 到 { $short }（尚缺 { $short }）
svc-sourcing-source-cannot-supply = 所选来源没有足够可用库存或不提供此运输方式
svc-sourcing-no-option = 没有可用的寻源方案
svc-review-check-vin = 请核对车架号
svc-review-check-owner = 请核实车主身份
svc-order-plan-not-approved = 方案经服务总监批准后才能下单
svc-order-sister-stock-taken = 兄弟店的 { $name } 已被占用，请另选来源
svc-ship-carrier-required = 请填写承运商或送货人（40 字以内）
svc-ship-tracking-too-long = 运单号过长
svc-ship-tracking-required = 快递、物流和空运须填写运单号
svc-order-sister-hold-gone = 兄弟店为此单保留的库存已不在，请核对库存
svc-order-crew-not-out = 救援组不在路上或现场，请收货入库
svc-reason-required = 请填写原因

## Tickets and lists.
svc-idempotency-key-invalid = Idempotency-Key 须为 1 到 { $max } 个 ASCII 字符
svc-concurrent-conflict = 并发请求冲突，请重试
svc-idempotency-key-reused = 此 Idempotency-Key 已用于另一张不同内容的救援单
svc-filter-unknown-status = 未知状态 “{ $value }”
svc-filter-too-long = 最多 { $max } 个字
svc-filter-date-format = 日期格式应为 YYYY-MM-DD
svc-page-from-one = 页码从 1 开始
svc-per-page-range = 每页 1 到 { $max } 条

## Outbox.
svc-outbox-status-invalid = 应为 pending、sending、sent 或 dead
svc-outbox-channel-invalid = 应为 sms 或 email
svc-outbox-retry-not-dead = 只有发送失败（dead）的消息可以重发，此消息为 { $status }

## Parts issue.
svc-issue-at-least-one = 请至少领一种配件
svc-quantity-range = 数量应为 1 到 { $max }
svc-issue-version-stale = 只能按当前第 { $current } 版已批准方案领料（请求的是第 { $asked } 版）
svc-issue-plan-not-approved = 第 { $version } 版方案尚未经服务总监批准，不能领料
svc-issue-not-now = 当前状态“{ $status }”下不能领料
svc-issue-receiver-not-crew = 领料人须为救援组成员
svc-issue-part-not-in-plan = 此配件不在方案中
svc-issue-over = { $part_no }：方案数量 { $planned }，已领 { $issued }，不能再领 { $asked }
svc-issue-out-of-stock = { $name }（{ $part_no }）本店库存不足

## Users and sign-in.
svc-user-login-invalid = 登录名须为 3–40 个字母、数字或 . _ -
svc-user-name-invalid = 请输入姓名（最多 50 字）
svc-user-email-invalid = 电子邮箱格式不正确
svc-user-role-unknown = 未知角色 “{ $role }”；可用：{ $known }
svc-user-role-required = 至少需要一个角色
svc-user-password-too-short = 密码至少 { $min } 位
svc-user-dealer-unknown = 没有代码为 “{ $code }” 的经销店
svc-sign-in-wrong = 登录名或密码错误
svc-sign-in-locked-seconds = 登录失败次数过多，请于 { $at } 后再试（约 { $seconds } 秒）
svc-sign-in-locked-minutes = 登录失败次数过多，请于 { $at } 后再试（约 { $minutes } 分钟）

## Approvals.
svc-review-decision-invalid = 应为 accept 或 return
svc-on-decline-invalid = 应为 replan 或 cancel
svc-director-decision-invalid = 应为 approve 或 reject
svc-time-rfc3339 = 时间格式应为 RFC 3339
svc-arrival-in-past = 预计到达时间不能早于现在

## The crew and the ticket.
svc-ticket-no-plan = 此救援单还没有方案
svc-not-in-crew = 您不在此救援组中
svc-not-rescue-lead = 只有救援负责人或服务经理可以确认出发
svc-nothing-to-acknowledge = 当前状态“{ $status }”下无需确认接单
svc-work-done-required = 请填写处理情况
svc-parts-used-range = 已领 { $issued } 件，用量须在 0 到 { $issued } 之间
svc-caller-not-mobile = 来电号码不是手机，无法发送短信
svc-ticket-stale = 此救援单刚被他人处理，请刷新后再试

## Plans.
svc-plan-not-our-technician = 不是本店技师
svc-plan-not-our-tool = 本店没有此工具
svc-plan-tool-only = 本店只有 { $count } 件
svc-plan-part-not-in-catalogue = 配件目录中没有此配件
svc-plan-location-pending = 救援地点待定位，无法估算路程：请填写路程公里数，或等客户发送定位
svc-plan-not-now = 当前状态“{ $status }”下不能修改方案
svc-plan-submit-stale = 要提交的是第 { $asked } 版，但当前是第 { $current } 版（{ $status }）
svc-plan-already-submitted = 方案已被提交
svc-idempotency-key-not-ascii = 须为 ASCII

## Request bodies, queries and paths.
svc-body-unreadable = 请求体读取失败
svc-body-too-large = 请求体超过 { $max_kib } KiB
svc-body-empty = 请求体为空，应为 JSON
svc-body-wrong-type = 类型不正确
svc-body-malformed-json = JSON 无法解析
svc-bad-query = 查询参数有误
svc-bad-path = 路径参数有误
svc-body-media-type = 请求体应为 { $expected }，收到 { $got }
svc-body-media-type-missing = 请求体应为 { $expected }，收到 无类型

## Links, sign-in and the store.
svc-token-unknown = 令牌无效或已撤销
svc-sign-in-busy = 登录繁忙，请稍后重试
svc-stock-busy = 库存正被频繁变动，请重试
svc-plan-submitted-meanwhile = 方案已提交，不能再修改
svc-user-login-taken = 该登录名已被使用
svc-location-pending = 救援地点待定位：客户尚未通过短信链接发送手机定位
svc-request-timeout = 请求内容未在时限内传完

## Stages of a rescue (the timeline).
svc-stage = { $from } → { $to }
svc-stage-call = 来电
svc-stage-plan-submitted = 方案提交
svc-stage-approved = 总监批准
svc-stage-departed = 出发
svc-stage-on-site = 到达现场
svc-stage-resolved = 解决
