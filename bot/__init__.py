"""crisisbot: Keelung Customs' crisis-management procedure as a Slack bot. Each sub-package is one area of
the procedure (roster, incidents, paging, warroom, handling, drills, overview) or what they share (procedure,
blockkit, delivery, platform, runtime); README "Layout" has the map."""
