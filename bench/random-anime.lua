-- wrk script: GET /anime/{random aid in 1..count}, optionally with ?mature=true.
-- usage: wrk ... -s bench/random-anime.lua URL -- COUNT [true|false]
local count, mature = 20000, false
function init(args)
    count = tonumber(args[1] or "20000")
    mature = args[2] == "true"
    math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end
function request()
    local path = "/anime/" .. math.random(1, count)
    if mature then path = path .. "?mature=true" end
    return wrk.format("GET", path)
end
