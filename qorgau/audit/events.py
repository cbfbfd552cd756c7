"""Every audit event name, as one enum: `<object>.<verb>`, the verb in the present (Zulip's
AuditLogEventType is the model). `audit_record` takes only these, so a new event is added here
first and a typo cannot reach the log.

Records written before the names were unified keep their old names (the log is append-only and
hash-chained); docs/architecture/audit.md lists the old names beside the new."""

from __future__ import annotations

from enum import StrEnum


class AuditEvent(StrEnum):
    # appeals
    APPEAL_REGISTER = "appeal.register"
    APPEAL_TRANSITION = "appeal.transition"
    APPEAL_LOWER_URGENCY = "appeal.lower_urgency"
    APPEAL_CORRECT = "appeal.correct"  # details name the corrected fields, never their values
    APPEAL_VIEW_PERSONAL = "appeal.view_personal"
    APPEAL_LOOKUP_CALLER = "appeal.lookup_caller"
    APPEAL_ASSIGN = "appeal.assign"
    APPEAL_MERGE = "appeal.merge"
    # requests to agencies, the agencies' replies and the deadline notices (rules 11, 13, 15)
    REQUEST_PREVIEW = "request.preview"
    REQUEST_SEND = "request.send"
    REQUEST_VIEW = "request.view"
    REQUEST_FAIL_DELIVERY = "request.fail_delivery"
    REQUEST_ACKNOWLEDGE = "request.acknowledge"
    REQUEST_CONFIRM = "request.confirm"
    REQUEST_NOT_CONFIRM = "request.not_confirm"
    REQUEST_ASK_CLARIFICATION = "request.ask_clarification"
    REQUEST_PASS_ON = "request.pass_on"  # noqa: S105 - an event name, not a secret
    REQUEST_EXTEND = "request.extend"
    REQUEST_ANSWER = "request.answer"
    REQUEST_REMIND = "request.remind"
    REQUEST_REMIND_OVERDUE = "request.remind_overdue"
    REQUEST_ESCALATE = "request.escalate"
    # correspondence on the appeal's timeline
    LETTER_WRITE = "letter.write"
    LETTER_RECEIVE = "letter.receive"
    CALL_LOG = "call.log"
    # calls, recordings and their release (rule 6(p))
    CALL_RECORD_OUTCOME = "call.record_outcome"
    CALL_SEARCH_BY_PHONE = "call.search_by_phone"
    RECORDING_STORE = "recording.store"
    RECORDING_DOWNLOAD = "recording.download"
    RECORDING_LISTEN = "recording.listen"
    RECORDING_DELETE = "recording.delete"
    DEMAND_REGISTER = "demand.register"
    DEMAND_APPROVE = "demand.approve"
    DEMAND_REJECT = "demand.reject"
    REVIEW_ASSIGN = "review.assign"
    REVIEW_CLOSE = "review.close"
    # files attached to an appeal (case work)
    ATTACHMENT_ADD = "attachment.add"
    ATTACHMENT_DOWNLOAD = "attachment.download"
    ATTACHMENT_REMOVE = "attachment.remove"
    # knowledge base
    ARTICLE_EDIT = "article.edit"
    ARTICLE_RETURN_TO_DRAFT = "article.return_to_draft"
    ARTICLE_SEND_TO_REVIEW = "article.send_to_review"
    ARTICLE_PUBLISH = "article.publish"
    ARTICLE_ARCHIVE = "article.archive"
    # case work on an appeal: internal notes and follow-ups (rules 5, 6(c), 6(d))
    NOTE_ADD = "note.add"
    CASEWORK_VIEW = "casework.view"  # an appeal's notes and follow-up texts were shown
    FOLLOWUP_CREATE = "followup.create"
    FOLLOWUP_COMPLETE = "followup.complete"
    FOLLOWUP_CANCEL = "followup.cancel"
    FOLLOWUP_REASSIGN = "followup.reassign"
    FOLLOWUP_VIEW_LIST = "followup.view_list"  # a list of follow-ups with their texts was shown
    # written conversations with applicants (rule 6(f))
    CONVERSATION_OPEN = "conversation.open"
    CONVERSATION_WRITE = "conversation.write"  # the applicant wrote more
    CONVERSATION_REPLY = "conversation.reply"
    CONVERSATION_CLAIM = "conversation.claim"
    CONVERSATION_VIEW = "conversation.view"  # the messages' texts were shown to staff
    SITE_PAGE_SAVE = "site_page.save"  # an information page of the public site was saved
    CONVERSATION_SEND_FAIL = "conversation.send_fail"  # a reply or notice could not be sent
    CONVERSATION_RISK = "conversation.risk"  # danger words found on arrival (flags only)
    CONVERSATION_BLOCK = "conversation.block"  # a supervisor blocked the sender
    CONVERSATION_UNBLOCK = "conversation.unblock"
    CONVERSATION_ASSIGN = "conversation.assign"  # a supervisor gave it to a colleague
    CONVERSATION_CLOSE = "conversation.close"  # closed with an outcome (rules 6(n), 6(o))
    CONVERSATION_APPEAL = "conversation.appeal"  # registered as an appeal, or attached to one
    # outreach: schools' QR forms and posters (rule 6(s))
    SCHOOL_IMPORT = "school.import"  # details: how many created, updated, unchanged, errors
    POSTER_DOWNLOAD = "poster.download"  # a school's poster, which carries its secret link
    SCHOOL_RENEW_TOKEN = "school.renew_token"  # noqa: S105 - its QR link changed; old posters stop
    # the triage assistant (rules 6(j), 10)
    TRIAGE_LOWER_URGENT = "triage.lower_urgent"  # a person decided "not urgent" against it
    # staff accounts and administration
    TOKEN_REVOKE = "token.revoke"  # noqa: S105 - an event name, not a secret
    SECOND_FACTOR_ENROL = "second_factor.enrol"
    ADMIN_ADD = "admin.add"
    ADMIN_CHANGE = "admin.change"
    ADMIN_DELETE = "admin.delete"
