# Page outbox.html

outbox-attempts = attempts
outbox-channel = Channel
outbox-chars = chars
outbox-created = created
outbox-e-mail = E-mail
outbox-links-work-for-their-recipient-only = Links work for their recipient only and are hidden here.
outbox-next-try = next try
outbox-no-messages-yet = No messages yet.
outbox-outbox-sms-and-e-mail = Outbox: SMS and e-mail
outbox-part-s = part(s)
outbox-retry = Retry
outbox-sent = sent
outbox-sms = SMS
outbox-without-an-sms-or-e-mail = Without an SMS or e-mail provider configured, messages are shown here instead of being sent, so you can see exactly what would go out.
outbox-status-pending = Pending
outbox-status-sending = Sending
outbox-status-sent = Sent
outbox-status-dead = Failed
outbox-provider-viewer = built-in viewer
