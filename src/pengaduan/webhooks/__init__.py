"""Webhooks: messages that arrive by themselves from WhatsApp (the Cloud API) and from an SMS gateway.

A front door beside the portal and the API: each view checks that the request really comes from the provider
(signature or shared secret, before anything is read or written), turns the provider's payload into messages and
delivery reports, and hands them to `complaints.inbound.message_arrives` and `notifications.messaging
.delivery_report`. Nothing here decides what a message means for a complaint.
"""
