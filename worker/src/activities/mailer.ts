// The product's one mailer lives in core (the API sends invitations through it too).
export { createMailer, type Mail, type Mailer } from '@conduit/core/mail';
