"""The periodic review (procedure §2, §6 step 6 將經驗記錄與傳承): a period's figures for the commander's meeting."""
