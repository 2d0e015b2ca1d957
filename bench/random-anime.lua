-- wrk script: GET /anime/{random aid in 1..count}, optionally with ?mature=true and an API key.
-- usage: wrk ... -s bench/random-anime.lua URL -- COUNT [true|false] [API_KEY]
local count, mature, key = 20000, false, nil
function init(args)
    count = tonumber(args[1] or "20000")
    mature = args[2] == "true"
    if args[3] and args[3] ~= "" then key = args[3] end
    math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end
function request()
    local path = "/anime/" .. math.random(1, count)
    if mature then path = path .. "?mature=true" end
    if key then return wrk.format("GET", path, { ["X-Api-Key"] = key }) end
    return wrk.format("GET", path)
end
