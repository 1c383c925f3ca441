-- Back to the texts in both languages.
UPDATE sourcing_orders SET hold_reason = '现场故障与方案不符，待新方案 / Fault on site differs from the plan; awaiting the revised plan'
 WHERE hold_reason = 'sys:mismatch_hold';
UPDATE sourcing_orders SET cancel_reason = '救援已结束 / The rescue is over'
 WHERE cancel_reason = 'sys:rescue_over';
UPDATE sourcing_orders SET cancel_reason = '方案变更，不再需要 / No longer in the plan'
 WHERE cancel_reason = 'sys:no_longer_in_plan';
UPDATE approvals SET reason = '客户不同意方案 / customer declined'
 WHERE reason = 'sys:customer_declined';
UPDATE audit_events SET comment = '客户不同意方案 / customer declined'
 WHERE comment = 'sys:customer_declined';
UPDATE audit_events SET comment = '客户手机定位 / The customer''s phone position'
 WHERE comment = 'sys:customer_phone_position';
UPDATE audit_events
   SET comment = '方案改为第 ' || substr(comment, length('sys:plan_revised:') + 1) || ' 版 / plan revised to v' || substr(comment, length('sys:plan_revised:') + 1)
 WHERE comment LIKE 'sys:plan_revised:%';
UPDATE approvals
   SET void_reason = '被第 ' || substr(void_reason, length('sys:superseded_by:') + 1) || ' 版方案取代 / superseded by plan v' || substr(void_reason, length('sys:superseded_by:') + 1)
 WHERE void_reason LIKE 'sys:superseded_by:%';
