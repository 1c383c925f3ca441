# Page parts_queue.html

parts-queue-approved-rescues-whose-parts-are-not = Approved rescues whose parts are not all issued: what is here waits to be issued, what is missing needs a source (sister dealer or manufacturer), what is on its way is tracked until it arrives.
parts-queue-dangerous-goods-no-air = Dangerous goods: no air
parts-queue-held-up-by = Held up by
parts-queue-here = to issue here
parts-queue-missing = missing
parts-queue-no-rescue-is-waiting-for-parts = No rescue is waiting for parts.
parts-queue-no-transfer-to-send = No transfer to send.
parts-queue-on-hold-the-rescue-s-fault = On hold: the rescue's fault on site differs from its plan. Do not send it until the revised plan decides (it is cancelled by itself if no longer needed).
parts-queue-on-hold-until-the-revised-plan = on hold until the revised plan
parts-queue-on-the-way = on the way
parts-queue-open = Open
parts-queue-parts-desk-rescues-waiting-for-parts = Parts desk: rescues waiting for parts
parts-queue-placed = placed
parts-queue-promised-by = promised by
parts-queue-sent = Sent
parts-queue-straight-to-the-rescue-site = straight to the rescue site
parts-queue-these-units-are-held-on-our = These units are held on our shelf for a sister dealer's rescue; record carrier and waybill once they leave.
parts-queue-to = to
parts-queue-to-send-transfers-sister-dealers-asked = To send: transfers sister dealers asked of us
parts-queue-until = until
