-- Texts the system wrote into rows as prose in both languages ("中文 / English") become the
-- stable codes of src/domain/system_text.rs, rendered in the reader's language when shown.
-- A person's own words stay as typed.
UPDATE sourcing_orders SET hold_reason = 'sys:mismatch_hold'
 WHERE hold_reason = '现场故障与方案不符，待新方案 / Fault on site differs from the plan; awaiting the revised plan';
UPDATE sourcing_orders SET cancel_reason = 'sys:rescue_over'
 WHERE cancel_reason = '救援已结束 / The rescue is over';
UPDATE sourcing_orders SET cancel_reason = 'sys:no_longer_in_plan'
 WHERE cancel_reason = '方案变更，不再需要 / No longer in the plan';
UPDATE approvals SET reason = 'sys:customer_declined'
 WHERE reason = '客户不同意方案 / customer declined';
UPDATE audit_events SET comment = 'sys:customer_declined'
 WHERE comment = '客户不同意方案 / customer declined';
UPDATE audit_events SET comment = 'sys:customer_phone_position'
 WHERE comment = '客户手机定位 / The customer''s phone position';
-- "方案改为第 3 版 / plan revised to v3" → "sys:plan_revised:3"
UPDATE audit_events
   SET comment = 'sys:plan_revised:' || substr(comment, instr(comment, ' / plan revised to v') + length(' / plan revised to v'))
 WHERE comment LIKE '方案改为第 % 版 / plan revised to v%';
-- "被第 3 版方案取代 / superseded by plan v3" → "sys:superseded_by:3"
UPDATE approvals
   SET void_reason = 'sys:superseded_by:' || substr(void_reason, instr(void_reason, ' / superseded by plan v') + length(' / superseded by plan v'))
 WHERE void_reason LIKE '被第 % 版方案取代 / superseded by plan v%';
