# Page link_error.html

link-error-link-not-usable = Link not usable
link-error-please-use-the-complete-link-from = Please use the complete link from the SMS or e-mail.
link-error-the-link-is-no-longer-valid = The link is no longer valid. Technicians: ask the workshop lead to send the job again. Customers: please call the dealer for news of your rescue.
link-error-this-link-cannot-be-used = This link cannot be used
link-error-unknown = This link is not valid
link-error-bad-signature = This link has been altered
link-error-expired = This link has expired
link-error-revoked = This link has been revoked
link-error-wrong-scope = This link is for another page
