### Suicidal thoughts or intent. Warm, direct, no lecture.

# Source: 988lifeline.org/get-help/what-to-expect (call or text 988, 24/7).
crisis-988 = I'm really glad you told me. You don't have to go through this alone: call or text 988, the Suicide & Crisis Lifeline, any time, day or night.

# Source: PRODUCT.md (an overdose in progress is an emergency: 911); 988lifeline.org.
crisis-911 = If you've already taken something, or you're in danger right now, call 911.
