"""Telling the applicant, after commit, that their record moved: received (Mẫu 01), supplement
requested (Mẫu 02), result ready, result returned — by SMS and e-mail, whichever they gave.

- `dispatch`: the records hook that picks the events worth a message and queues one task per
  event once the change has committed (a rolled-back change sends nothing).
- `messages`: the Vietnamese texts, rendered from templates (records/templates/records/notify/).
- `sms`: Vietnamese mobile numbers and the SMS length rule.
- `gateways`: SMS gateway plugins, one module each, chosen by `settings.MOTCUA_SMS_GATEWAY`.
"""
