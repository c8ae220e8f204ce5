### The web chat page's own words (title, labels, buttons, notes). The conversation itself comes
### from the flows. Shown in a browser, not sent by SMS, so segment counts do not matter here.

web-title = haven: anonymous support chat
# Source: CDC "What to Do if You Think Someone is Overdosing" (call 911), as emergency-first.
web-intro = Free, anonymous support. You don't need to give your name or number. If someone is overdosing, call 911 now.
# What haven keeps (deploy/OPERATOR.md, "What haven keeps"): no message text, except a ZIP or
# place given for a search (until the chat expires) and a chat with a counselor while it is
# open (sealed, deleted when it closes).
web-privacy = haven doesn't save what you write, with two exceptions: a ZIP code or place you give to find services (until this chat expires), and a chat with a counselor while it is open (kept encrypted, deleted when it closes). "Exit quickly" leaves this page at once and ends the chat.
# Screen readers announce these before each message and for the message list.
web-log-label = Conversation
web-you = You
web-haven = haven
web-message-label = Your message
web-placeholder = Type a message
web-send = Send
web-choices-label = Choose an answer
# Without JavaScript the page cannot update itself; this button shows new replies.
web-check = Check for new messages
web-exit = Exit quickly
web-skip = Skip to the message box
# Source: CDC "What to Do if You Think Someone is Overdosing" (call 911), as emergency-first.
web-send-failed = Your message could not be sent. Check your connection and try again. If someone is overdosing, call 911 now.
web-new-session = Your earlier chat has ended; this is a new one.
web-stale = This page was out of date, so your message was not sent. Please send it again.
web-empty = Please type a message first.
web-too-long = That message is too long. Please keep it under { $max } characters.
# The button an operator's own site shows (embed.js).
web-embed-button = Chat with haven
# A place card's links: call it, get directions, see it on a map.
web-call = Call
web-directions = Directions
web-map = Map
# The button that leaves the counselor queue (it sends MENU).
web-leave = Back to the bot
