### Safer use. Practical, no lectures. Sources in content-sources.md §1.

# Source: none needed (a question).
saferuse-intro = Some ways to use more safely. What would you like to know?
saferuse-choice-strips = Fentanyl test strips
saferuse-choice-alone = Not using alone
saferuse-choice-mixing = Mixing drugs
saferuse-choice-supplies = Where to get supplies
saferuse-choice-menu = Something else

# Source: CDC "Fentanyl Test Strips: A Harm Reduction Strategy" (10 mg in a clean dry container;
# 1/2 teaspoon of water, 1 teaspoon for methamphetamine; dip the wavy end ~15 s; lay flat 2-5 min).
saferuse-strips = Fentanyl test strips: put at least 10 mg of your drug in a clean, dry container. Add 1/2 teaspoon of water (1 teaspoon for meth) and mix. Dip the wavy end in for about 15 seconds, then lay the strip flat for 2-5 minutes.

# Source: CDC, same page (one line = positive; two lines = negative; no line or only a line on the
# right = invalid; a negative result is not a guarantee).
saferuse-strips-read = Reading it: 1 line = fentanyl found. 2 lines = none found. No line, or only the right-hand line: the test didn't work. A negative result is not a guarantee, so keep naloxone close.

# Source: Kentucky findnaloxone.ky.gov (someone with you who has naloxone and isn't using at the
# same time; start low, go slow). Never Use Alone 1-800-484-3731: secondary sources only
# (content-sources.md §2) - verify on neverusealone.com before a real deployment.
saferuse-alone = If you can, don't use alone: be with someone who has naloxone, isn't using at the same time, and knows how to give it. Start low and go slow. If you do use alone, Never Use Alone (1-800-484-3731) stays on the phone and sends help if you stop responding.

# Source: Kentucky findnaloxone.ky.gov (avoid mixing with alcohol or benzodiazepines).
saferuse-mixing = Mixing opioids with alcohol or benzos (like Xanax) raises the risk of overdose a lot. If you mix, use less, go slow, and have naloxone and someone with you.
