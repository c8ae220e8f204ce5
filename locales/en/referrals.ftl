# Referrals: replies listing the nearest services from the operator's directory.
# Rendered by bot/referrals/render.rs, which defines exactly these ids (MESSAGE_IDS).
#
# Arguments are plain strings formatted by the code:
#   $here (yes|no: a shared location rather than a ZIP or place), $place (a ZIP or place name),
#   $value ("0.4", "12"), $unit (mi|km), $approx (yes|no: the place's location is only its ZIP
#   area), $time ("9am", "5:30pm"), $day (mo|tu|we|th|fr|sa|su), $kind (a kind code or any),
#   $radius (a formatted distance), $phone, $url.
#
# SMS replies list three places in at most two segments (160 characters each, GSM-7). Keep
# the texts used in lists short, and keep them GSM-7: no curly quotes, long dashes or emoji.

## The list

refer-header =
    { $here ->
        [yes] Near you:
       *[no] Near { $place }:
    }

# "~" marks a distance measured to the centre of the place's ZIP code.
refer-distance =
    { $approx ->
        [yes] ~{ $value }
       *[no] { $value }
    } { $unit ->
        [km] km
       *[mi] mi
    }

refer-open-247 = open 24/7
refer-open-until = open until { $time }
refer-opens-today = opens { $time }
refer-opens-tomorrow = opens tomorrow { $time }
refer-opens-day =
    opens { $day ->
        [mo] Monday
        [tu] Tuesday
        [we] Wednesday
        [th] Thursday
        [fr] Friday
        [sa] Saturday
       *[su] Sunday
    } { $time }
refer-closed = closed

## Telegram and web chat only

refer-phone = Phone: { $phone }
refer-map = Map: { $url }
refer-approx-location = Location is approximate (the center of its ZIP code).
# Put before a place's notes when they are shown in English to someone reading another
# language (the directory has no translation for them).
refer-notes-in-english = (in English)

## Paging ("MORE" is handled by the referral flow)

refer-more = Reply MORE for more places.
refer-no-more = That's every place I have within { $radius }.

## Nothing nearby

# Not a medical or legal statement: says what the directory holds; the national options follow.
refer-none-near =
    I didn't find { $kind ->
        [naloxone] naloxone
        [syringe] syringe services
        [methadone] methadone
        [buprenorphine] buprenorphine
        [treatment] treatment
        [testing] HIV/HCV testing
        [fentanyl-strips] fentanyl test strips
        [overdose-prevention-center] an overdose prevention center
        [drop-in] a drop-in center
       *[any] a place
    } within { $radius } of { $here ->
        [yes] you
       *[no] { $place }
    } in our list.

# SAMHSA National Helpline: free, confidential, 24/7/365, English and Spanish; treatment
# referral and information (not counseling). FindTreatment.gov is SAMHSA's treatment locator.
# Source: samhsa.gov/find-help/national-helpline
refer-national = Search FindTreatment.gov for treatment, or call the SAMHSA National Helpline at 1-800-662-4357 (free, confidential, 24/7, English and Spanish).

## Asking where the person is

refer-ask-location = To find places near you, send your ZIP code (like 10001), share your location, or tell me your neighborhood.
refer-unknown-zip = I don't know that ZIP code. Could you check it, or tell me your neighborhood or town?

## Kinds of service (Telegram and web chat list them under each place)

refer-kind-naloxone = naloxone
refer-kind-syringe = syringe services
refer-kind-methadone = methadone
refer-kind-buprenorphine = buprenorphine
refer-kind-treatment = treatment
refer-kind-testing = HIV/HCV testing
refer-kind-fentanyl-strips = fentanyl test strips
refer-kind-overdose-prevention-center = overdose prevention center
refer-kind-drop-in = drop-in center
