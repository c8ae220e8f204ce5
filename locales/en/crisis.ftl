### Suicidal thoughts or intent. Warm, direct, no lecture.

# Source: 988lifeline.org/get-help/what-to-expect (call or text 988, 24/7; calls: press 2 for
# Spanish; texts: AYUDA for Spanish); SAMHSA press release 2023-07-13 (Spanish text and chat).
crisis-988 = I'm really glad you told me. You don't have to go through this alone: call or text 988, the Suicide & Crisis Lifeline, any time, day or night. In Spanish: call 988 and press 2, or text AYUDA.

# Source: CDC "What to Do if You Think Someone is Overdosing" (call 911); poisonhelp.hrsa.gov
# ("If someone is unconscious or has trouble breathing, call 911").
crisis-911 = If you've already taken something, or you're in danger right now, call 911.
